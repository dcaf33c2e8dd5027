"""REST API of verification requests: the same selectors as the pages, so the same rules — a
requester sees the requests of the cases it sees, an addressee those addressed to its subtree."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from bvct.accounts.models import User
from bvct.core.serializers import ErrorOut
from bvct.verification import selectors, tracking
from bvct.verification.serializers import RequestDetailOut, RequestListIn, RequestOut


def _actor(request: Request) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _with_overdue(item: Any) -> Any:
    item.overdue = tracking.is_overdue(item)
    return item


@extend_schema(
    parameters=[RequestListIn], responses=RequestOut(many=True), operation_id="request_list"
)
@api_view(["GET"])
def request_list(request: Request) -> Response:
    params = RequestListIn(data=request.query_params)
    params.is_valid(raise_exception=True)
    actor = _actor(request)
    side, state = params.validated_data["side"], params.validated_data["state"]
    if side == "outgoing":
        rows = selectors.outgoing_for_actor(actor=actor, state=state)
    elif side == "incoming":
        rows = selectors.incoming_for_actor(actor=actor, state=state)
    else:
        rows = selectors.by_state(selectors.visible(actor), state).order_by("due_on", "pk")
    return Response(RequestOut([_with_overdue(r) for r in rows[:500]], many=True).data)


@extend_schema(responses={200: RequestDetailOut, 404: ErrorOut}, operation_id="request_retrieve")
@api_view(["GET"])
def request_detail(request: Request, pk: int) -> Response:
    item = selectors.request_get_for_actor(actor=_actor(request), pk=pk)
    return Response(RequestDetailOut(_with_overdue(item)).data)
