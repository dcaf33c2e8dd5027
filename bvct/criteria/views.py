"""Criteria pages: rule sets, versions (view, YAML, diff), import, impact preview and publish, and
the evaluation panel for a person (`criteria/person_evaluation.html#panel`, for the person page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bvct.access import policy
from bvct.core.downloads import attachment
from bvct.core.errors import DomainError
from bvct.core.htmx import is_htmx
from bvct.core.types import AuthenticatedHttpRequest
from bvct.criteria import explain, selectors, services
from bvct.criteria.forms import EvaluationForm, ImpactForm, ImportForm, PublishForm
from bvct.criteria.models import Purpose, RuleSetVersion
from bvct.criteria.yaml_io import RuleSetYamlError
from bvct.people.models import Person


def _version(request: AuthenticatedHttpRequest, pk: int) -> RuleSetVersion:
    version = get_object_or_404(selectors.versions_for_actor(request.user), pk=pk)
    return selectors.version_with_rules(version)


@require_GET
def ruleset_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rulesets = selectors.rulesets_for_actor(request.user)
    return render(
        request,
        "criteria/ruleset_list.html",
        {"rulesets": rulesets, "can_import": policy.can_draft_rulesets(request.user)},
    )


@require_http_methods(["GET", "POST"])
def ruleset_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_draft_rulesets(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            version = services.ruleset_import(actor=request.user, text=form.cleaned_data["text"])
        except RuleSetYamlError as exc:
            problems = exc.problems
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Draft version %(n)s imported.") % {"n": version.number})
            return redirect("criteria:version-detail", pk=version.pk)
    return render(request, "criteria/ruleset_import.html", {"form": form, "problems": problems})


@require_GET
def version_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    context = {
        "version": version,
        "previous": selectors.previous_version(version),
        "can_publish": policy.can_publish_ruleset(request.user, version),
    }
    return render(request, "criteria/version_detail.html", context)


@require_GET
def version_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    version = _version(request, pk)
    data = services.version_export(actor=request.user, version=version)
    name = f"{version.ruleset.code}-v{version.number}.yaml"
    return attachment(data, filename=name, content_type="application/yaml; charset=utf-8")


@require_GET
def version_diff(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    against = request.GET.get("against", "")
    old: RuleSetVersion | None
    if against.isdigit():
        old = get_object_or_404(selectors.versions_for_actor(request.user), pk=int(against))
    else:
        old = selectors.previous_version(version)
    diff = selectors.version_diff(old, version) if old is not None else None
    return render(request, "criteria/version_diff.html", {"version": version, "diff": diff})


@require_GET
def version_impact(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    if not policy.can_preview_ruleset_impact(request.user):
        raise PermissionDenied
    form = ImpactForm(
        request.GET or {"effective_from": version.effective_from.strftime("%d/%m/%Y")}
    )
    impact = None
    if form.is_valid():
        impact = selectors.impact_preview(
            actor=request.user, version=version, effective_from=form.cleaned_data["effective_from"]
        )
        _explain_samples(request, impact)
    context = {
        "version": version,
        "form": form,
        "impact": impact,
        "can_publish": policy.can_publish_ruleset(request.user, version),
        "today": timezone.localdate(),
    }
    template = "criteria/version_impact.html"
    return render(request, f"{template}#impact" if is_htmx(request) else template, context)


def _explain_samples(request: AuthenticatedHttpRequest, impact: selectors.Impact) -> None:
    for purpose in impact.purposes:
        for sample in purpose.samples:
            assert sample.person is not None  # noqa: S101 (filled by the selector)
            person = sample.person
            if sample.old_trace is not None:
                sample.old_explanation = explain.explain_for_officer(
                    sample.old_trace, actor=request.user, person=person
                )
            sample.new_explanation = explain.explain_for_officer(
                sample.new_trace, actor=request.user, person=person
            )


@require_POST
def version_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    form = PublishForm(request.POST)
    impact_url = reverse("criteria:version-impact", kwargs={"pk": version.pk})
    if not form.is_valid():
        messages.error(request, _("In force from: enter a date as dd/mm/yyyy."))
        return redirect(impact_url)
    try:
        services.version_publish(
            actor=request.user,
            version=version,
            effective_from=form.cleaned_data["effective_from"],
            impact_digest=form.cleaned_data["impact_digest"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(impact_url)
    messages.success(request, _("Version %(n)s published.") % {"n": version.number})
    return redirect("criteria:version-detail", pk=version.pk)


def _evaluation_context(
    request: AuthenticatedHttpRequest, person: Person, form: EvaluationForm
) -> dict[str, Any]:
    purpose = form.cleaned_data["purpose"]
    as_of = form.cleaned_data.get("date") or timezone.localdate()
    live = selectors.evaluation_preview(person=person, purpose=purpose, as_of=as_of)
    explanation = None
    if live.result is not None:
        if form.cleaned_data.get("audience") == explain.SUBJECT:
            explanation = explain.explain_for_subject(live.result.trace)
        else:
            explanation = explain.explain_for_officer(
                live.result.trace, actor=request.user, person=person
            )
    return {
        "live": live,
        "explanation": explanation,
        "purpose_label": Purpose(purpose).label,
        "stored": selectors.evaluations_for_person(person).filter(purpose=purpose)[:5],
    }


@require_http_methods(["GET", "POST"])
def person_evaluation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET ?purpose=&date=&audience=: live evaluation; POST: store it (with version and trace)."""
    person = get_object_or_404(policy.people_visible_to(request.user), pk=pk)
    if not policy.can_evaluate_person(request.user, person):
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    form = EvaluationForm(data or {"purpose": Purpose.ADMISSION})
    context: dict[str, Any] = {"person": person, "form": form}
    if form.is_valid():
        if request.method == "POST":
            try:
                services.evaluation_create(
                    actor=request.user,
                    person=person,
                    purpose=form.cleaned_data["purpose"],
                    as_of=form.cleaned_data.get("date") or timezone.localdate(),
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Evaluation stored."))
        context |= _evaluation_context(request, person, form)
    template = "criteria/person_evaluation.html"
    return render(request, f"{template}#panel" if is_htmx(request) else template, context)
