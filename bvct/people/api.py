"""REST API of dossiers: the same selectors and services, so the same scoping, as the pages."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from bvct.accounts.models import User
from bvct.core.errors import AccessDenied, DomainError
from bvct.core.serializers import ErrorOut
from bvct.orgs.models import OrgUnit
from bvct.people import selectors, services
from bvct.people.identity import mask_cccd
from bvct.people.models import Person
from bvct.people.serializers import (
    DuplicatesOut,
    PersonCreateIn,
    PersonDetailOut,
    PersonErrorOut,
    PersonListIn,
    PersonOut,
    PersonPageOut,
    PersonUpdateIn,
)
from bvct.people.services import DuplicateCandidatesError, PersonFields

_FIELD_NAMES = {f.name for f in dataclasses.fields(PersonFields)}


def _actor(request: Request) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _refusal(exc: DomainError) -> Response:
    if isinstance(exc, DuplicateCandidatesError):
        body = {
            "detail": exc.message,
            "candidates": [
                {
                    "id": person.pk,
                    "full_name": person.full_name,
                    "cccd_masked": mask_cccd(person.cccd),
                    "matched": list(keys),
                }
                for person, keys in exc.candidates
            ],
        }
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, AccessDenied):
        return Response({"detail": exc.message}, status=status.HTTP_403_FORBIDDEN)
    errors = getattr(exc, "errors", None) or {exc.field or "non_field_errors": [exc.message]}
    return Response({"detail": exc.message, "errors": errors}, status=status.HTTP_400_BAD_REQUEST)


def _unit(actor: User, pk: int | None) -> OrgUnit | None:
    return selectors.unit_by_id_for_people(actor=actor, pk=pk) if pk else None


class _DossierView:
    """The person, with relatives and issues as the actor may see them (never `person.issues`)."""

    def __init__(self, dossier: selectors.Dossier) -> None:
        self._person = dossier.person
        self.relatives = dossier.relatives
        self.issues = dossier.issues

    def __getattr__(self, name: str) -> Any:
        return getattr(self._person, name)


def _detail(actor: User, person: Person) -> dict[str, Any]:
    dossier = selectors.person_dossier(actor=actor, person=person)
    return dict(PersonDetailOut(_DossierView(dossier)).data)


@extend_schema(
    methods=["GET"], parameters=[PersonListIn], responses=PersonPageOut, operation_id="person_list"
)
@extend_schema(
    methods=["POST"],
    request=PersonCreateIn,
    responses={201: PersonDetailOut, 400: PersonErrorOut, 403: ErrorOut, 409: DuplicatesOut},
    operation_id="person_create",
)
@api_view(["GET", "POST"])
def person_list(request: Request) -> Response:
    actor = _actor(request)
    if request.method == "POST":
        return _create(request, actor)
    params = PersonListIn(data=request.query_params)
    params.is_valid(raise_exception=True)
    values = params.validated_data
    filters = selectors.PersonFilters(
        query=values.get("q", ""),
        birth_year=values.get("birth_year"),
        hometown_province=values.get("hometown_province", ""),
        sex=values.get("sex", ""),
        unit=selectors.visible_unit(actor=actor, code=values["unit"])
        if values.get("unit")
        else None,
    )
    page = selectors.person_list_for_actor(actor=actor, filters=filters, page=values["page"])
    return Response(
        {
            "count": page.total,
            "page": page.number,
            "num_pages": page.num_pages,
            "results": PersonOut(page.people, many=True).data,
        }
    )


def _create(request: Request, actor: User) -> Response:
    body = PersonCreateIn(data=request.data)
    body.is_valid(raise_exception=True)
    values = body.validated_data
    unit = _unit(actor, values["org_unit"])
    if unit is None:
        message = _("Managing unit: no unit with this id in which you may keep dossiers.")
        return Response({"detail": message, "errors": {"org_unit": [message]}}, status=400)
    try:
        person = services.person_create(
            actor=actor,
            org_unit=unit,
            data=PersonFields(**{k: v for k, v in values.items() if k in _FIELD_NAMES}),
            classification=values.get("classification", 0),
            confirmed_distinct=values["confirmed_distinct"],
        )
    except DomainError as exc:
        return _refusal(exc)
    return Response(_detail(actor, person), status=status.HTTP_201_CREATED)


@extend_schema(methods=["GET"], responses=PersonDetailOut, operation_id="person_retrieve")
@extend_schema(
    methods=["PATCH"],
    request=PersonUpdateIn,
    responses={200: PersonDetailOut, 400: PersonErrorOut, 403: ErrorOut, 409: DuplicatesOut},
    operation_id="person_update",
)
@api_view(["GET", "PATCH"])
def person_detail(request: Request, pk: int) -> Response:
    actor = _actor(request)
    person = selectors.person_get_for_actor(actor=actor, pk=pk)
    if request.method == "PATCH":
        return _update(request, actor, person)
    services.person_read_record(actor=actor, person=person, channel="api")
    return Response(_detail(actor, person))


def _update(request: Request, actor: User, person: Person) -> Response:
    body = PersonUpdateIn(data=request.data)
    body.is_valid(raise_exception=True)
    values = body.validated_data
    unit = _unit(actor, values.get("org_unit"))
    if values.get("org_unit") and unit is None:
        message = _("Managing unit: no unit with this id in which you may keep dossiers.")
        return Response({"detail": message, "errors": {"org_unit": [message]}}, status=400)
    data = dataclasses.replace(
        PersonFields.of(person), **{k: v for k, v in values.items() if k in _FIELD_NAMES}
    )
    try:
        person = services.person_update(
            actor=actor,
            person=person,
            data=data,
            org_unit=unit,
            classification=values.get("classification"),
            confirmed_distinct=values.get("confirmed_distinct", False),
        )
    except DomainError as exc:
        return _refusal(exc)
    return Response(_detail(actor, person))
