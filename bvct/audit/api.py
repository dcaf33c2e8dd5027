from __future__ import annotations

from typing import cast

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response

from bvct.accounts.models import User
from bvct.audit import selectors
from bvct.audit.forms import AuditEventFilterForm
from bvct.audit.serializers import AuditEventFilterIn, AuditEventOut, AuditEventPageOut


@extend_schema(
    parameters=[AuditEventFilterIn],
    responses=AuditEventPageOut,
    operation_id="audit_events_list",
    description="Audit events in the auditor's jurisdiction, newest first (auditors only).",
)
@api_view(["GET"])
def audit_event_list(request: Request) -> Response:
    user = cast("User", request.user)  # RoutePolicyMiddleware let only active auditors through
    AuditEventFilterIn(data=request.query_params).is_valid(raise_exception=True)
    form = AuditEventFilterForm(request.query_params, user=user)  # also resolves the unit code
    if not form.is_valid():
        raise ValidationError(
            {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        )
    events = selectors.audit_event_list_for_actor(actor=user, filters=form.to_filter())
    paginator = LimitOffsetPagination()
    page = paginator.paginate_queryset(events, request)
    return paginator.get_paginated_response(AuditEventOut(page, many=True).data)
