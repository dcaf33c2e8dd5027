"""Person, relative and issue pages: parse, fetch through selectors, one service, respond."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bvct.core.errors import AccessDenied, DomainError
from bvct.core.htmx import is_htmx
from bvct.core.replica import reads_from_replica
from bvct.core.types import AuthenticatedHttpRequest
from bvct.people import addresses, selectors, services
from bvct.people.forms import (
    IssueForm,
    IssueStatusForm,
    MergeForm,
    PersonForm,
    RelativeForm,
)
from bvct.people.identity import ReplyIdentifiers
from bvct.people.models import Person, RecordedIssue, Sex
from bvct.people.services import DuplicateCandidatesError, person_fields_clean
from bvct.people.workflow import allowed_next

FORM_TEMPLATE = "people/person_form.html"
UNIT_PREFIXES = {"hometown": "Hometown", "residence": "Residence"}


# --- list -------------------------------------------------------------------------------------


def _filters(request: AuthenticatedHttpRequest) -> selectors.PersonFilters:
    params = request.GET
    year = params.get("birth_year", "").strip()
    unit_code = params.get("unit", "").strip()
    return selectors.PersonFilters(
        query=params.get("q", "").strip()[:100],
        birth_year=int(year) if year.isdigit() and len(year) == 4 else None,  # noqa: PLR2004
        hometown_province=params.get("hometown", "").strip(),
        sex=params.get("sex", "") if params.get("sex", "") in Sex.values else "",
        unit=selectors.visible_unit(actor=request.user, code=unit_code) if unit_code else None,
    )


def _page_number(params: QueryDict) -> int:
    value = params.get("page", "1")
    return int(value) if value.isdigit() else 1


@require_GET
@reads_from_replica
def person_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = _filters(request)
    page = selectors.person_list_for_actor(
        actor=request.user, filters=filters, page=_page_number(request.GET)
    )
    context = {
        "page": page,
        "filters": filters,
        "unit_code": request.GET.get("unit", ""),
        "provinces": addresses.province_choices(),
        "sexes": Sex.choices,
        "can_create": selectors.can_create_people(actor=request.user),
    }
    template = "people/person_list.html"
    return render(request, f"{template}#results" if is_htmx(request) else template, context)


# --- detail -----------------------------------------------------------------------------------


def _declaration_url(person: Person) -> str:
    """The person's lý lịch versions (bvct.declarations), when that page exists."""
    try:
        return reverse("declarations:declaration-list", kwargs={"pk": person.pk})
    except NoReverseMatch:
        return ""


@require_GET
def person_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for_actor(actor=request.user, pk=pk)
    dossier = selectors.person_dossier(actor=request.user, person=person)
    services.person_read_record(actor=request.user, person=person, channel="page")
    context = {
        "person": person,
        "dossier": dossier,
        "declarations_url": _declaration_url(person),
        "audit_url": (
            f"{reverse('audit:event-list')}?target_type=people.person&target_id={person.pk}"
            if dossier.can_view_audit
            else ""
        ),
    }
    return render(request, "people/person_detail.html", context)


# --- create / update --------------------------------------------------------------------------


@dataclass
class UnitPicker:
    """The 2025-unit selects of one address (hometown or residence), with suggestions."""

    prefix: str
    label: str
    province: str = ""
    commune: str = ""
    text: str = ""
    suggestions: list[addresses.Unit2025] = field(default_factory=list)
    suggested: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def provinces(self) -> list[tuple[str, str]]:
        return addresses.province_choices()

    @property
    def communes(self) -> list[tuple[str, str]]:
        return addresses.commune_choices(self.province)


def _pickers(form: PersonForm) -> dict[str, UnitPicker]:
    pickers = {}
    for prefix, label in UNIT_PREFIXES.items():
        errors = [
            str(e)
            for name in (f"{prefix}_province_code", f"{prefix}_commune_code")
            for e in form.errors.get(name, [])
        ]
        pickers[f"{prefix}_picker"] = UnitPicker(
            prefix=prefix,
            label=_(label),
            province=form._value(f"{prefix}_province_code"),
            commune=form._value(f"{prefix}_commune_code"),
            errors=errors,
        )
    return pickers


@require_GET
def unit_picker(request: AuthenticatedHttpRequest) -> HttpResponse:
    """htmx: the selects of one address after a province change, a suggestion or an accept."""
    prefix = request.GET.get("prefix", "")
    if prefix not in UNIT_PREFIXES:
        prefix = "hometown"
    params = request.GET
    picker = UnitPicker(
        prefix=prefix,
        label=_(UNIT_PREFIXES[prefix]),
        province=params.get(f"{prefix}_province_code", ""),
        commune=params.get(f"{prefix}_commune_code", ""),
        text=params.get(f"{prefix}_text", ""),
    )
    if params.get("suggest") == "1":
        picker.suggestions = addresses.suggest_units(picker.text)[:8]
        picker.suggested = True
    return render(request, f"{FORM_TEMPLATE}#unit-picker", {"picker": picker})


def _render_form(
    request: AuthenticatedHttpRequest,
    form: PersonForm,
    *,
    target: Person | None,
    candidates: list[tuple[Person, tuple[str, ...]]] | None = None,
    partial: bool = False,
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "target": target,
        "candidates": candidates or [],
        **_pickers(form),
    }
    template = f"{FORM_TEMPLATE}#form-body" if partial else FORM_TEMPLATE
    return render(request, template, context, status=200)


def _inline_check(
    request: AuthenticatedHttpRequest, form: PersonForm, *, target: Person | None
) -> list[tuple[Person, tuple[str, ...]]]:
    """The services' field rules and the duplicate candidates, shown while typing (nothing is
    saved)."""
    if not form.is_valid():
        return []
    cleaned, errors = person_fields_clean(form.person_fields())
    for name, problems in errors.items():
        for problem in problems:
            form.add_error(name if name in form.fields else "birth", problem)
    if errors or form.cleaned_data.get("confirmed_distinct"):
        return []
    return selectors.duplicates_for_entry(
        actor=request.user, data=cleaned, exclude_id=target.pk if target else None
    )


def _save_person(
    request: AuthenticatedHttpRequest, form: PersonForm, target: Person | None
) -> Person:
    data = form.cleaned_data
    assert form.org_unit is not None  # noqa: S101 (clean_org_unit_code set it)
    if target is None:
        return services.person_create(
            actor=request.user,
            org_unit=form.org_unit,
            data=form.person_fields(),
            classification=data["classification"],
            confirmed_distinct=data["confirmed_distinct"],
        )
    return services.person_update(
        actor=request.user,
        person=target,
        data=form.person_fields(),
        org_unit=form.org_unit,
        classification=data["classification"],
        confirmed_distinct=data["confirmed_distinct"],
    )


def _person_form(request: AuthenticatedHttpRequest, target: Person | None) -> HttpResponse:
    initial = PersonForm.initial_for(target) if target else {}
    form = PersonForm(request.POST or None, initial=initial, actor=request.user)
    if request.method == "POST" and request.POST.get("_validate") == "1":
        candidates = _inline_check(request, form, target=target)
        return _render_form(request, form, target=target, candidates=candidates, partial=True)
    if request.method == "POST" and form.is_valid():
        try:
            person = _save_person(request, form, target)
        except DuplicateCandidatesError as exc:
            form.add_error(None, exc.message)
            return _render_form(request, form, target=target, candidates=exc.candidates)
        except AccessDenied as exc:
            form.add_error(None, exc.message)
        except DomainError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Record of %(name)s saved.") % {"name": person})
            return redirect("people:person-detail", pk=person.pk)
    return _render_form(request, form, target=target)


@require_http_methods(["GET", "POST"])
def person_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _person_form(request, None)


@require_http_methods(["GET", "POST"])
def person_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = selectors.person_get_for_actor(actor=request.user, pk=pk)
    return _person_form(request, target)


# --- merge ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def person_merge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for_actor(actor=request.user, pk=pk)
    other_id = request.GET.get("other", "")
    other = (
        selectors.person_get_for_actor(actor=request.user, pk=int(other_id))
        if other_id.isdigit()
        else None
    )
    context: dict[str, Any] = {"person": person, "other": other}
    if other is None:
        context["candidates"] = selectors.merge_candidates_for(actor=request.user, person=person)
        return render(request, "people/person_merge.html", context)
    form = MergeForm(request.POST or None, pair=(person, other), initial={"keep": person.pk})
    if request.method == "POST" and form.is_valid():
        keep, duplicate = (
            (person, other) if form.cleaned_data["keep"] == person.pk else (other, person)
        )
        try:
            services.person_merge(actor=request.user, keep=keep, duplicate=duplicate)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Records merged: #%(dup)s into #%(keep)s.")
                % {
                    "dup": duplicate.pk,
                    "keep": keep.pk,
                },
            )
            return redirect("people:person-detail", pk=keep.pk)
    context.update(form=form, rows=selectors.compare_rows(person, other))
    return render(request, "people/person_merge.html", context)


# --- relatives --------------------------------------------------------------------------------


def _relative_form(
    request: AuthenticatedHttpRequest, person: Person, form: RelativeForm, relative: Any
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            if relative is None:
                services.relative_create(
                    actor=request.user, person=person, data=form.relative_fields()
                )
            else:
                services.relative_update(
                    actor=request.user, relative=relative, data=form.relative_fields()
                )
        except DomainError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Relative saved."))
            return redirect("people:person-detail", pk=person.pk)
    context = {"person": person, "form": form, "relative": relative}
    return render(request, "people/relative_form.html", context)


@require_http_methods(["GET", "POST"])
def relative_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for_actor(actor=request.user, pk=pk)
    return _relative_form(request, person, RelativeForm(request.POST or None), None)


@require_http_methods(["GET", "POST"])
def relative_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    relative = selectors.relative_get_for_actor(actor=request.user, pk=pk)
    form = RelativeForm(request.POST or None, initial=RelativeForm.initial_for(relative))
    return _relative_form(request, relative.person, form, relative)


@require_http_methods(["GET", "POST"])
def relative_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    relative = selectors.relative_get_for_actor(actor=request.user, pk=pk)
    error = ""
    if request.method == "POST" and request.POST.get("confirm") != "1":
        error = _("Tick the confirmation to delete.")
    elif request.method == "POST":
        try:
            services.relative_delete(actor=request.user, relative=relative)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Relative deleted."))
            return redirect("people:person-detail", pk=relative.person_id)
    context = {"relative": relative, "person": relative.person, "error": error}
    return render(request, "people/relative_delete.html", context)


# --- issues -----------------------------------------------------------------------------------


def _reply_identifiers(data: dict[str, Any]) -> ReplyIdentifiers | None:
    if data["source"] != RecordedIssue.Source.VERIFICATION_REPLY:
        return None
    return ReplyIdentifiers(
        full_name=data["reply_full_name"],
        birth_date=data["reply_birth_date"],
        cccd=data["reply_cccd"],
        hometown_province_code=data["reply_hometown_province_code"],
    )


@require_http_methods(["GET", "POST"])
def issue_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for_actor(actor=request.user, pk=pk)
    form = IssueForm(request.POST or None, actor=request.user, person=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        relative = (
            person.relatives.filter(pk=data["relative"]).first() if data["relative"] else None
        )
        try:
            services.issue_create(
                actor=request.user,
                person=person,
                relative=relative,
                family=data["family"],
                source=data["source"],
                summary=data["summary"],
                classification=data["classification"],
                reply_identifiers=_reply_identifiers(data),
            )
        except DomainError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Issue recorded."))
            return redirect("people:person-detail", pk=person.pk)
    return render(request, "people/issue_form.html", {"person": person, "form": form})


@require_http_methods(["GET", "POST"])
def issue_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    issue = selectors.issue_get_for_actor(actor=request.user, pk=pk)
    form = IssueStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.issue_set_status(
                actor=request.user,
                issue=issue,
                status=data["status"],
                conclusion_reference=data["conclusion_reference"],
                concluded_on=data["concluded_on"],
            )
        except DomainError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Issue status changed."))
            return redirect("people:person-detail", pk=issue.person_id)
    context = {
        "issue": issue,
        "person": issue.person,
        "form": form,
        "next_statuses": [
            RecordedIssue.Status(s).label for s in sorted(allowed_next(issue.status))
        ],
    }
    return render(request, "people/issue_status.html", context)
