"""REST API of cases: the same selectors and services, so the same rules, as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view, parser_classes
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from bvct.access import policy
from bvct.accounts.models import User
from bvct.core import uploads
from bvct.core.serializers import ErrorOut
from bvct.vetting import documents, selectors, services, timeliness
from bvct.vetting.conclusions import ConclusionInput
from bvct.vetting.serializers import (
    CaseDetailOut,
    CaseDocumentIn,
    CaseDocumentOut,
    CaseHistoryOut,
    CaseListIn,
    CaseOut,
    CasePageOut,
    CaseTransitionIn,
    TimelinessIn,
    TimelinessOut,
)
from bvct.vetting.views_documents import file_response


def _actor(request: Request) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _detail(actor: User, pk: int) -> dict[str, Any]:
    case = selectors.case_get_for_actor(actor=actor, pk=pk)
    detail = selectors.case_detail(actor=actor, case=case)
    payload = {
        "case": case,
        "due": detail.due,
        "transitions": detail.transitions,
        "actions": detail.actions,
    }
    return dict(CaseDetailOut(payload).data)


@extend_schema(parameters=[CaseListIn], responses=CasePageOut, operation_id="case_list")
@api_view(["GET"])
def case_list(request: Request) -> Response:
    params = CaseListIn(data=request.query_params)
    params.is_valid(raise_exception=True)
    values = params.validated_data
    filters = selectors.CaseFilters(
        case_type=values.get("case_type", ""),
        purpose=values.get("purpose", ""),
        status=values.get("status", ""),
        is_open={"open": True, "closed": False}.get(values["state"]),
        assignee=values.get("assignee", ""),
        overdue=values["overdue"],
    )
    page = selectors.case_list_for_actor(
        actor=_actor(request), filters=filters, page=values["page"]
    )
    return Response(
        {
            "count": page.total,
            "page": page.number,
            "num_pages": page.num_pages,
            "results": CaseOut(page.rows, many=True).data,
        }
    )


@extend_schema(responses={200: CaseDetailOut, 404: ErrorOut}, operation_id="case_retrieve")
@api_view(["GET"])
def case_detail(request: Request, pk: int) -> Response:
    return Response(_detail(_actor(request), pk))


@extend_schema(
    request=CaseTransitionIn,
    responses={200: CaseDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="case_transition",
)
@api_view(["POST"])
def case_transition(request: Request, pk: int) -> Response:
    actor = _actor(request)
    case = selectors.case_get_for_actor(actor=actor, pk=pk)
    body = CaseTransitionIn(data=request.data)
    body.is_valid(raise_exception=True)
    data = body.validated_data
    given = ConclusionInput(data["outcome"], data["facts"]) if data["facts"] else None
    services.case_transition(
        case=case, to=data["to"], actor=actor, reason=data["reason"], conclusion=given
    )
    return Response(_detail(actor, pk))


@extend_schema(
    parameters=[TimelinessIn],
    responses={200: TimelinessOut, 400: ErrorOut, 404: ErrorOut},
    operation_id="case_timeliness",
)
@api_view(["GET"])
def case_timeliness(request: Request) -> Response:
    """Per case type and stage: count, median, p90 (nearest rank), max and open cases past
    their limit, for cases whose subject is managed in `node`'s subtree."""
    actor = _actor(request)
    params = TimelinessIn(data=request.query_params)
    params.is_valid(raise_exception=True)
    values = params.validated_data
    node = timeliness.node_for_actor(actor=actor, pk=values.get("node"))
    report = timeliness.timeliness_report(
        actor=actor,
        node=node,
        date_from=values["date_from"],
        date_to=values["date_to"],
        case_type=values.get("case_type", ""),
    )
    return Response(TimelinessOut(report).data)


@extend_schema(responses={200: CaseHistoryOut, 404: ErrorOut}, operation_id="case_history")
@api_view(["GET"])
def case_history(request: Request, pk: int) -> Response:
    """The case's transitions (with the actors' display names) and clock events."""
    actor = _actor(request)
    case = selectors.case_get_for_actor(actor=actor, pk=pk)
    detail = selectors.case_detail(actor=actor, case=case)
    payload = {"transitions": detail.transitions, "clock_events": detail.clock_events}
    return Response(CaseHistoryOut(payload).data)


@extend_schema(
    methods=["GET"],
    responses={200: CaseDocumentOut(many=True), 404: ErrorOut},
    operation_id="case_document_list",
)
@extend_schema(
    methods=["POST"],
    request={"multipart/form-data": CaseDocumentIn},
    responses={201: CaseDocumentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    operation_id="case_document_upload",
)
@api_view(["GET", "POST"])
@parser_classes([MultiPartParser, FormParser])
def case_document_list(request: Request, pk: int) -> Response:
    """The documents kept with a case; POST uploads one (validated like the page's upload)."""
    actor = _actor(request)
    case = selectors.case_get_for_actor(actor=actor, pk=pk)
    if request.method == "GET":
        rows = policy.case_documents_visible_to(actor).filter(case=case)
        return Response(CaseDocumentOut(rows, many=True).data)
    body = CaseDocumentIn(data=request.data)
    body.is_valid(raise_exception=True)
    data = body.validated_data
    upload = data["file"]
    document = documents.document_upload(
        case=case,
        actor=actor,
        title=data["title"],
        name=upload.name or "",
        data=documents.read_limited(upload),
        checklist_code=data["checklist_code"],
        visible_to_subject=data["visible_to_subject"],
    )
    return Response(CaseDocumentOut(document).data, status=201)


# a document is served with the type it was stored as: an allowed upload or a generated DOCX
DOCUMENT_TYPES = sorted({kind.content_type for kind in uploads.DOCUMENT_KINDS.values()})


@extend_schema(
    responses={
        **{(200, media): OpenApiResponse(OpenApiTypes.BINARY) for media in DOCUMENT_TYPES},
        404: ErrorOut,
    },
    operation_id="case_document_download",
)
@api_view(["GET"])
def case_document_download(request: Request, pk: int) -> HttpResponse:
    """The bytes of one document (checked against its SHA-256; the read is audited)."""
    actor = _actor(request)
    document = get_object_or_404(policy.case_documents_visible_to(actor), pk=pk)
    return file_response(document, documents.document_read(document=document, actor=actor))
