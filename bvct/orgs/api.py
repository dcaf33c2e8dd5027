"""REST API of the organisation tree: the same selectors, so the same scoping, as the pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response

from bvct.accounts.models import User
from bvct.orgs import selectors
from bvct.orgs.models import OrgUnit
from bvct.orgs.serializers import (
    OrgUnitDetailOut,
    OrgUnitListIn,
    OrgUnitOut,
    OrgUnitPageOut,
    OrgUnitRefOut,
)

SEARCH_LIMIT = 100  # a search answers its best matches only, at most this many


def _actor(request: Request) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _units(actor: User, params: dict[str, Any]) -> Sequence[OrgUnit] | QuerySet[OrgUnit]:
    parent, kind = params.get("parent"), params.get("kind", "")
    if not params.get("q"):
        return selectors.unit_list_for_actor(actor=actor, parent=parent, kind=kind)
    within = selectors.unit_get_visible(actor=actor, pk=parent) if parent else None
    if parent and within is None:  # missing or out of scope: an empty answer either way
        return []
    return selectors.unit_search(
        actor=actor, query=params["q"], kind=kind, within=within, limit=SEARCH_LIMIT
    )


@extend_schema(
    parameters=[OrgUnitListIn],
    responses=OrgUnitPageOut,
    operation_id="orgunit_list",
)
@api_view(["GET"])
def orgunit_list(request: Request) -> Response:
    params = OrgUnitListIn(data=request.query_params)
    params.is_valid(raise_exception=True)
    units = _units(_actor(request), params.validated_data)
    paginator = LimitOffsetPagination()
    # a list (ranked search) paginates like a queryset; the stubs only declare QuerySet
    page = paginator.paginate_queryset(units, request)  # type: ignore[arg-type]
    return paginator.get_paginated_response(OrgUnitOut(page, many=True).data)


@extend_schema(responses=OrgUnitDetailOut, operation_id="orgunit_retrieve")
@api_view(["GET"])
def orgunit_detail(request: Request, pk: int) -> Response:
    detail = selectors.unit_detail_for_actor(actor=_actor(request), pk=pk)
    data = dict(OrgUnitOut(detail.unit).data)
    data["ancestors"] = OrgUnitRefOut(detail.ancestors, many=True).data
    data["children"] = OrgUnitRefOut(detail.children, many=True).data
    data["predecessors"] = OrgUnitRefOut(detail.predecessors, many=True).data
    data["successor"] = OrgUnitRefOut(detail.successor).data if detail.successor else None
    data["user_count"] = detail.user_count
    return Response(data)
