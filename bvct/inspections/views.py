"""Inspection pages: plans of my node, a plan, one inspection with each participant's part, the
outline templates and the report diff. Thin: parse, fetch through `selectors`, one service,
redirect back with the outcome."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bvct.access import policy
from bvct.accounts.models import RoleCode, User
from bvct.core.errors import DomainError
from bvct.core.forms import parse_choice_id, parse_day
from bvct.core.types import AuthenticatedHttpRequest
from bvct.inspections import scoring, selectors, services
from bvct.inspections.models import (
    Finding,
    Inspection,
    OutlineTemplate,
    RemediationItem,
    ReportVersion,
    Section,
    TeamMember,
)
from bvct.orgs.models import OrgUnit
from bvct.people.models import Person
from bvct.vetting import documents
from bvct.vetting.models import CaseType
from bvct.vetting.views_documents import file_response

LABELS = {
    "year": gettext_lazy("Year"),
    "starts_on": gettext_lazy("From"),
    "ends_on": gettext_lazy("To"),
    "head": gettext_lazy("Team head"),
    "deputies": gettext_lazy("Deputy heads"),
    "members": gettext_lazy("Members"),
    "user": gettext_lazy("Contact at the unit"),
    "template": gettext_lazy("Report outline"),
    "version": gettext_lazy("Version"),
    "section": gettext_lazy("Section"),
    "held_on": gettext_lazy("Held on"),
    "owner": gettext_lazy("Owner at the unit"),
    "working_days": gettext_lazy("Due in (working days)"),
    "item": gettext_lazy("Remediation"),
    "finding": gettext_lazy("Finding"),
}


def _date(raw: str, field: str) -> dt.date:
    return parse_day(raw, field=field, label=str(LABELS[field]))


def _int(raw: str, field: str) -> int:
    return parse_choice_id(raw, field=field, label=str(LABELS[field]))


def _upload(request: AuthenticatedHttpRequest, name: str = "file") -> tuple[str, bytes] | None:
    upload = request.FILES.get(name)
    if upload is None:
        return None
    return upload.name or "", documents.read_limited(upload)


# --- plans --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            plan = services.plan_create(
                actor=request.user,
                year=_int(request.POST.get("year", ""), "year"),
                title=request.POST.get("title", ""),
                topics=request.POST.get("topics", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("inspections:plan-detail", pk=plan.pk)
        return redirect("inspections:plan-list")
    mine = (
        policy.inspections_visible_to(request.user)
        .select_related("plan", "unit")
        .order_by("-plan__year", "starts_on")
    )
    context = {
        "plans": selectors.plans_for_actor(request.user).order_by("-year", "title"),
        "inspections": mine[:200],
        "can_plan": policy.can_plan_inspections(request.user),
        "year": timezone.localdate().year,
    }
    return render(request, "inspections/plan_list.html", context)


@require_GET
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_actor(actor=request.user, pk=pk)
    children = OrgUnit.objects.filter(
        OrgUnit.subtree_filter(plan.org_unit.path), depth=plan.org_unit.depth + 1
    ).order_by("name")[:500]
    context = {
        "plan": plan,
        "inspections": plan.inspections.select_related("unit"),
        "children": children,
        "is_approver": request.user.has_role(RoleCode.APPROVER),
    }
    return render(request, "inspections/plan_detail.html", context)


def _plan_action(
    request: AuthenticatedHttpRequest, pk: int, action: Callable[[Any], object]
) -> HttpResponse:
    plan = selectors.plan_get_for_actor(actor=request.user, pk=pk)
    try:
        action(plan)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("inspections:plan-detail", pk=plan.pk)


@require_POST
def plan_add_unit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def act(plan: Any) -> object:
        code = request.POST.get("unit", "").strip()
        unit = OrgUnit.objects.filter(code__iexact=code).first()
        if unit is None:
            raise DomainError(_("Unit: no unit has the code “%(code)s”.") % {"code": code})
        return services.plan_add_unit(
            actor=request.user,
            plan=plan,
            unit=unit,
            starts_on=_date(request.POST.get("starts_on", ""), "starts_on"),
            ends_on=_date(request.POST.get("ends_on", ""), "ends_on"),
            topics=request.POST.get("topics", ""),
        )

    return _plan_action(request, pk, act)


@require_POST
def plan_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _plan_action(
        request, pk, lambda plan: services.plan_approve(actor=request.user, plan=plan)
    )


# --- one inspection -----------------------------------------------------------------------------


def _detail_context(actor: User, inspection: Inspection) -> dict[str, Any]:
    manager = policy.can_manage_plan(actor, inspection.plan)
    team = policy.is_team_member(actor, inspection)
    contact = policy.is_unit_contact(actor, inspection)
    versions = list(inspection.versions.order_by("number"))
    draft = next((v for v in versions if v.status == ReportVersion.Status.DRAFT), None)
    shown = draft or (versions[-1] if versions else None)
    answers = {a.section_id: a.text for a in shown.answers.all()} if shown else {}
    sections = list(inspection.sections.all())
    internal = policy.sees_internal_findings(actor, inspection)
    candidates = []
    if manager and inspection.status == Inspection.Status.PLANNED:
        candidates = [
            u
            for u in User.objects.filter(
                is_active=True,
                roles__code=RoleCode.INSPECTOR,
                org_unit__in=OrgUnit.objects.filter(
                    OrgUnit.subtree_filter(inspection.plan.org_unit.path)
                ),
            )
            .select_related("org_unit")
            .distinct()
            .order_by("full_name")[:200]
            if services.team_conflict(u, inspection.unit, inspection.plan.org_unit) is None
        ]
    in_unit = OrgUnit.objects.filter(OrgUnit.subtree_filter(inspection.unit.path))
    unit_users = list(
        User.objects.filter(is_active=True, org_unit__in=in_unit).order_by("full_name")[:200]
    )
    return {
        "inspection": inspection,
        "plan": inspection.plan,
        "manager": manager,
        "approver": manager and actor.has_role(RoleCode.APPROVER),
        "team_member": team,
        "lead": policy.can_lead_inspection(actor, inspection),
        "contact": contact,
        "team": list(inspection.team.select_related("user")),
        "contacts": list(inspection.contacts.select_related("user")),
        "documents": [d for d in inspection.documents.all() if internal or d.kind != "evidence"],
        "sections": [(s, answers.get(s.pk, "")) for s in sections],
        "versions": versions,
        "draft": draft,
        "all_comments": [
            c for v in versions for c in v.comments.select_related("section", "author")
        ],
        "sessions": list(inspection.sessions.all()) if (team or manager) else [],
        "findings": list(inspection.findings.select_related("person", "case")) if internal else [],
        "notice": getattr(inspection, "notice", None),
        "remediation": list(inspection.remediation.select_related("owner", "finding")),
        "templates": OutlineTemplate.objects.filter(org_unit=inspection.plan.org_unit),
        "candidates": candidates,
        "unit_users": unit_users,
        "grades": Finding.Grade.choices,
        "extents": Finding.Extent.choices,
        "roles": TeamMember.Role.choices,
        "scores": selectors.unit_scores(inspection.unit_id, actor),
        "rating_labels": scoring.RATING_LABELS,
        "today": timezone.localdate(),
    }


@require_GET
def inspection_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get_for_actor(actor=request.user, pk=pk)
    return render(
        request, "inspections/inspection_detail.html", _detail_context(request.user, inspection)
    )


def _act(
    request: AuthenticatedHttpRequest, pk: int, action: Callable[[Inspection], object], done: str
) -> HttpResponse:
    inspection = selectors.inspection_get_for_actor(actor=request.user, pk=pk)
    try:
        action(inspection)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("inspections:inspection-detail", pk=inspection.pk)


def _user(raw: str, field: str) -> User:
    return get_object_or_404(User, pk=_int(raw, field), is_active=True)


@require_POST
def decision(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def act(inspection: Inspection) -> object:
        team: list[tuple[User, str]] = [
            (_user(request.POST.get("head", ""), "head"), TeamMember.Role.HEAD)
        ]
        team += [
            (_user(raw, "deputies"), TeamMember.Role.DEPUTY)
            for raw in request.POST.getlist("deputies")
        ]
        team += [
            (_user(raw, "members"), TeamMember.Role.MEMBER)
            for raw in request.POST.getlist("members")
        ]
        return services.decision_issue(actor=request.user, inspection=inspection, team=team)

    return _act(request, pk, act, _("The decision was issued and the team set up."))


@require_POST
def contact_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda i: services.contact_add(
            actor=request.user, inspection=i, user=_user(request.POST.get("user", ""), "user")
        ),
        _("The contact was designated."),
    )


@require_POST
def outline_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def act(inspection: Inspection) -> object:
        template = get_object_or_404(
            OutlineTemplate,
            pk=_int(request.POST.get("template", ""), "template"),
            org_unit=inspection.plan.org_unit,
        )
        return services.outline_send(actor=request.user, inspection=inspection, template=template)

    return _act(request, pk, act, _("The outline was sent to the unit."))


@require_POST
def report_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def act(inspection: Inspection) -> object:
        answers = {
            int(key.removeprefix("section_")): str(value)
            for key, value in request.POST.items()
            if key.startswith("section_") and key.removeprefix("section_").isdigit()
        }
        version = services.report_save(actor=request.user, inspection=inspection, answers=answers)
        if request.POST.get("submit") == "1":
            services.report_submit(actor=request.user, inspection=inspection)
        return version

    done = (
        _("The report was submitted.") if request.POST.get("submit") == "1" else _("Draft saved.")
    )
    return _act(request, pk, act, done)


@require_POST
def comment_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def act(inspection: Inspection) -> object:
        version = get_object_or_404(
            ReportVersion,
            pk=_int(request.POST.get("version", ""), "version"),
            inspection=inspection,
        )
        section = get_object_or_404(
            Section, pk=_int(request.POST.get("section", ""), "section"), inspection=inspection
        )
        return services.comment_add(
            actor=request.user, version=version, section=section, text=request.POST.get("text", "")
        )

    return _act(request, pk, act, _("The comment was added."))


@require_GET
def report_diff(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get_for_actor(actor=request.user, pk=pk)
    versions = list(inspection.versions.order_by("number"))
    by_number = {v.number: v for v in versions}
    try:
        old = by_number[int(request.GET.get("a", "0"))]
        new = by_number[int(request.GET.get("b", "0"))]
    except (KeyError, ValueError):
        if len(versions) < 2:  # noqa: PLR2004
            messages.info(request, _("There is only one version of the report."))
            return redirect("inspections:inspection-detail", pk=inspection.pk)
        old, new = versions[-2], versions[-1]
    context = {
        "inspection": inspection,
        "old": old,
        "new": new,
        "diff": services.report_diff(old, new),
    }
    return render(request, "inspections/diff.html", context)


@require_POST
def session_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda i: services.session_record(
            actor=request.user,
            inspection=i,
            held_on=_date(request.POST.get("held_on", ""), "held_on"),
            place=request.POST.get("place", ""),
            attendees=request.POST.get("attendees", ""),
            minutes=request.POST.get("minutes", ""),
        ),
        _("The working session was recorded."),
    )


@require_POST
def finding_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def act(inspection: Inspection) -> object:
        raw = request.POST.get("person", "").strip()
        person = Person.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        return services.finding_add(
            actor=request.user,
            inspection=inspection,
            grade=request.POST.get("grade", ""),
            extent=request.POST.get("extent", ""),
            text=request.POST.get("text", ""),
            evidence=_upload(request),
            person=person,
        )

    return _act(request, pk, act, _("The finding was recorded."))


@require_POST
def notice_issue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda i: services.notice_issue(
            actor=request.user, inspection=i, text=request.POST.get("text", "")
        ),
        _("The result notice was approved and sent to the unit."),
    )


@require_POST
def remediation_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def act(inspection: Inspection) -> object:
        raw = request.POST.get("finding", "")
        finding = (
            Finding.objects.filter(pk=int(raw), inspection=inspection).first()
            if raw.isdigit()
            else None
        )
        return services.remediation_add(
            actor=request.user,
            inspection=inspection,
            text=request.POST.get("text", ""),
            owner=_user(request.POST.get("owner", ""), "owner"),
            working_days=_int(request.POST.get("working_days", ""), "working_days"),
            finding=finding,
        )

    return _act(request, pk, act, _("The remediation item was set."))


def _item(inspection: Inspection, raw: str) -> RemediationItem:
    return get_object_or_404(RemediationItem, pk=_int(raw, "item"), inspection=inspection)


@require_POST
def remediation_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def act(inspection: Inspection) -> object:
        evidence = _upload(request)
        if evidence is None:
            raise DomainError(
                _("Evidence: attach the document that shows the work done."), field="file"
            )
        return services.remediation_done(
            actor=request.user,
            item=_item(inspection, request.POST.get("item", "")),
            evidence=evidence,
            note=request.POST.get("note", ""),
        )

    return _act(request, pk, act, _("The item was reported done."))


@require_POST
def remediation_waive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda i: services.remediation_waive(
            actor=request.user,
            item=_item(i, request.POST.get("item", "")),
            reason=request.POST.get("reason", ""),
        ),
        _("The item was waived."),
    )


@require_POST
def finding_case(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def act(inspection: Inspection) -> object:
        finding = get_object_or_404(
            Finding, pk=_int(request.POST.get("finding", ""), "finding"), inspection=inspection
        )
        return services.finding_open_case(
            actor=request.user,
            finding=finding,
            case_type=CaseType.HISTORY,
            subject_matter=finding.text,
        )

    return _act(request, pk, act, _("A case was opened for the person named."))


@require_POST
def inspection_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda i: services.inspection_close(actor=request.user, inspection=i),
        _("The inspection was closed."),
    )


@require_GET
def document_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get_for_actor(actor=request.user, pk=pk)
    try:
        data = services.read_document(document=document, actor=request.user)
    except DomainError as exc:
        return HttpResponse(exc.message, status=409, content_type="text/plain; charset=utf-8")
    return file_response(document, data)  # type: ignore[arg-type]


# --- outline templates --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def templates(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_plan_inspections(request.user):
        messages.error(request, _("Only officers and approvers keep outline templates."))
        return redirect("inspections:plan-list")
    if request.method == "POST":
        try:
            services.template_create(
                actor=request.user,
                title=request.POST.get("title", ""),
                sections=request.POST.get("sections", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The outline template was saved."))
        return redirect("inspections:templates")
    context = {
        "templates": OutlineTemplate.objects.filter(
            org_unit_id=request.user.org_unit_id
        ).prefetch_related("sections")
    }
    return render(request, "inspections/templates.html", context)
