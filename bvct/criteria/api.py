"""REST API of the criteria: the same selectors and services, so the same checks, as the pages."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from bvct.access import policy
from bvct.accounts.models import User
from bvct.criteria import selectors, services
from bvct.criteria.models import RuleSetVersion
from bvct.criteria.serializers import (
    EvaluationIn,
    EvaluationOut,
    ImpactIn,
    ImpactOut,
    PublishIn,
    RuleSetImportErrorOut,
    RuleSetImportIn,
    RuleSetOut,
    VersionDetailOut,
)
from bvct.criteria.yaml_io import RuleSetYamlError


def _actor(request: Request) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _version(request: Request, pk: int) -> RuleSetVersion:
    version = get_object_or_404(selectors.versions_for_actor(_actor(request)), pk=pk)
    return selectors.version_with_rules(version)


@extend_schema(operation_id="criteria_ruleset_list", responses=RuleSetOut(many=True))
@api_view(["GET"])
def ruleset_list(request: Request) -> Response:
    return Response(RuleSetOut(selectors.rulesets_for_actor(_actor(request)), many=True).data)


@extend_schema(
    operation_id="criteria_ruleset_import",
    request=RuleSetImportIn,
    responses={201: VersionDetailOut, 400: RuleSetImportErrorOut},
)
@api_view(["POST"])
def ruleset_import(request: Request) -> Response:
    body = RuleSetImportIn(data=request.data)
    body.is_valid(raise_exception=True)
    try:
        version = services.ruleset_import(actor=_actor(request), text=body.validated_data["yaml"])
    except RuleSetYamlError as exc:
        problems = [vars(p) for p in exc.problems]
        return Response({"detail": exc.message, "problems": problems}, status=400)
    data = VersionDetailOut(selectors.version_with_rules(version)).data
    return Response(data, status=status.HTTP_201_CREATED)


@extend_schema(operation_id="criteria_version_detail", responses=VersionDetailOut)
@api_view(["GET"])
def version_detail(request: Request, pk: int) -> Response:
    return Response(VersionDetailOut(_version(request, pk)).data)


@extend_schema(operation_id="criteria_version_impact", parameters=[ImpactIn], responses=ImpactOut)
@api_view(["GET"])
def version_impact(request: Request, pk: int) -> Response:
    version = _version(request, pk)
    if not policy.can_preview_ruleset_impact(_actor(request)):
        raise PermissionDenied
    query = ImpactIn(data=request.query_params)
    query.is_valid(raise_exception=True)
    impact = selectors.impact_preview(
        actor=_actor(request),
        version=version,
        effective_from=query.validated_data["effective_from"],
    )
    purposes: list[dict[str, Any]] = [
        {
            "purpose": p.purpose,
            "current_version": p.current.pk if p.current else None,
            "total": p.total,
            "changed": p.changed_total,
            "old_counts": {str(k): v for k, v in p.old_counts.items()},
            "new_counts": dict(p.new_counts),
            "sample_person_ids": [s.person_id for s in p.samples],
        }
        for p in impact.purposes
    ]
    body = {"effective_from": impact.effective_from, "impact_digest": impact.digest}
    return Response(ImpactOut(body | {"purposes": purposes}).data)


@extend_schema(
    operation_id="criteria_version_publish",
    request=PublishIn,
    responses={200: VersionDetailOut, 400: OpenApiResponse(description="Refused")},
)
@api_view(["POST"])
def version_publish(request: Request, pk: int) -> Response:
    version = _version(request, pk)
    body = PublishIn(data=request.data)
    body.is_valid(raise_exception=True)
    version = services.version_publish(
        actor=_actor(request), version=version, **body.validated_data
    )
    return Response(VersionDetailOut(selectors.version_with_rules(version)).data)


@extend_schema(
    operation_id="criteria_person_evaluation",
    parameters=[EvaluationIn],
    responses=EvaluationOut,
    description="Live evaluation for a purpose and date (default today). The trace's evidence is "
    "filtered like the page's: facts the caller may not see are removed and counted in "
    "`withheld` of each rule.",
)
@api_view(["GET"])
def person_evaluation(request: Request, pk: int) -> Response:
    actor = _actor(request)
    person = get_object_or_404(policy.people_visible_to(actor), pk=pk)
    query = EvaluationIn(data=request.query_params)
    query.is_valid(raise_exception=True)
    as_of = query.validated_data.get("date") or timezone.localdate()
    live = selectors.evaluation_preview(
        person=person, purpose=query.validated_data["purpose"], as_of=as_of
    )
    trace = None
    if live.result is not None:
        trace = dict(live.result.trace)
        trace["rules"] = [
            rule
            | {
                "facts": [
                    f for f in rule["facts"] if policy.can_view_evaluation_fact(actor, person, f)
                ],
                "withheld": sum(
                    not policy.can_view_evaluation_fact(actor, person, f) for f in rule["facts"]
                ),
            }
            for rule in trace["rules"]
        ]
    body = {
        "purpose": live.purpose,
        "as_of": as_of,
        "version": live.version.pk if live.version else None,
        "outcome": live.result.outcome if live.result else None,
        "trace": trace,
    }
    return Response(EvaluationOut(body).data)
