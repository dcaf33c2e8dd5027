"""Register pages. Thin: parse, fetch through `policy` (404 outside the reader's unit subtree or
above their clearance), one service, redirect with the outcome. No page here accepts a file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bvct.access import policy
from bvct.audit.services import audit_record
from bvct.core.downloads import attachment
from bvct.core.errors import DomainError
from bvct.core.forms import parse_choice_id, parse_day
from bvct.core.replica import reads_from_replica
from bvct.core.types import AuthenticatedHttpRequest
from bvct.intake.reports import XLSX_CONTENT_TYPE
from bvct.orgs.models import OrgUnit
from bvct.registers import reports, selectors, services
from bvct.registers.models import Addressee, CopyAuthorisation, Entry, Level, Register
from bvct.vetting.conclusions import DOCX_TYPE

K = Register.Kind
LABELS = {
    "registered_on": gettext_lazy("Registered on"),
    "doc_date": gettext_lazy("Document date"),
    "received_on": gettext_lazy("Received on"),
    "marked_until": gettext_lazy("Shorter protection until"),
    "authorised_on": gettext_lazy("Authorised on"),
    "day": gettext_lazy("Date"),
    "until": gettext_lazy("Extended until"),
    "copies": gettext_lazy("Copies"),
    "level": gettext_lazy("Level"),
    "new_level": gettext_lazy("New level"),
    "authorisation": gettext_lazy("Authorisation"),
    "addressee": gettext_lazy("Addressee"),
    "year": gettext_lazy("Year"),
}


def _date(raw: str, field: str, *, optional: bool = False) -> dt.date | None:
    if optional and not raw.strip():
        return None
    return parse_day(raw, field=field, label=str(LABELS[field]))


def _day(raw: str, field: str) -> dt.date:
    day = _date(raw, field)
    assert day is not None  # noqa: S101 (not optional)
    return day


def _number(raw: str, field: str) -> int:
    return parse_choice_id(raw or "", field=field, label=str(LABELS[field]))


def _recipients(raw: str, field: str) -> list[tuple[str, int]]:
    """One recipient per line, "Name" or "Name; copies"."""
    rows: list[tuple[str, int]] = []
    for line_no, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        name, _sep, copies = line.partition(";")
        copies = copies.strip() or "1"
        if not copies.isdigit() or int(copies) < 1 or not name.strip():
            raise DomainError(
                _("Line %(line)d: write “name; number of copies”, e.g. “Văn phòng Tỉnh ủy; 2”.")
                % {"line": line_no},
                field=field,
            )
        rows.append((name.strip(), int(copies)))
    return rows


def _visible_entry(request: AuthenticatedHttpRequest, pk: int) -> Entry:
    rows = selectors.entries_with_details(policy.register_entries_visible_to(request.user))
    return get_object_or_404(rows, pk=pk)


def _kept_entry(request: AuthenticatedHttpRequest, pk: int) -> Entry:
    """An entry the actor may write: their own unit's, within their clearance (404 otherwise)."""
    rows = policy.register_entries_visible_to(request.user).filter(
        register__in=policy.registers_kept_by(request.user)
    )
    return get_object_or_404(rows.select_related("register__org_unit"), pk=pk)


def _back(entry: Entry) -> HttpResponse:
    return redirect("registers:entry", pk=entry.pk)


def _unit_from(request: AuthenticatedHttpRequest, code: str) -> OrgUnit:
    """The unit named by its code, in the reader's subtree; their own unit when none is named
    (an unknown code is said, and their own unit shown)."""
    root = policy.jurisdiction_root(request.user)
    if root is None:
        raise Http404
    code = code.strip()
    unit = policy.org_units_visible_to(request.user).filter(code__iexact=code).first()
    if code and unit is None:
        messages.error(
            request, _("Unit: no organisation “%(code)s” in your jurisdiction.") % {"code": code}
        )
    return unit or root


def _year_from(request: AuthenticatedHttpRequest, default: int) -> int:
    raw = request.GET.get("year", "").strip()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else default  # noqa: PLR2004


@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    unit = _unit_from(request, request.GET.get("unit", ""))
    year = _year_from(request, today.year)
    return render(
        request,
        "registers/index.html",
        {
            "unit": unit,
            "year": year,
            "years": range(today.year, today.year - 6, -1),
            "rows": selectors.year_overview(request.user, unit, year),
            "can_keep": policy.can_keep_registers_of(request.user, unit),
            "waiting": selectors.receipts_waiting(request.user, today=today)[:20],
        },
    )


@require_GET
def register_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    register = get_object_or_404(
        policy.registers_visible_to(request.user).select_related("org_unit"), pk=pk
    )
    entries = list(selectors.register_entries(request.user, register))
    audit_record(
        actor=request.user,
        action="registers.register.view",
        target=register,
        org_unit=register.org_unit,
        data={"register": register.kind, "year": register.year, "rows": len(entries)},
    )
    can_keep = policy.can_keep_registers_of(request.user, register.org_unit)
    return render(
        request,
        "registers/register.html",
        {
            "register": register,
            "entries": [(e, e.current()) for e in entries],
            "can_register": can_keep
            and not register.is_locked
            and register.kind in {K.OUTGOING, K.INCOMING},
            "can_lock": can_keep
            and not register.is_locked
            and timezone.localdate().year > register.year,
            "sees_summary": policy.sees_register_summary(request.user),
        },
    )


@require_GET
def register_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    register = get_object_or_404(
        policy.registers_visible_to(request.user).select_related("org_unit"), pk=pk
    )
    data = reports.register_xlsx(actor=request.user, register=register)
    name = f"so-{register.kind}-{register.year}-{register.org_unit.code}.xlsx"
    return attachment(data, filename=name, content_type=XLSX_CONTENT_TYPE)


@require_POST
def register_lock(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    register = get_object_or_404(policy.registers_kept_by(request.user), pk=pk)
    try:
        services.register_lock(actor=request.user, register=register)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The register is locked."))
    return redirect("registers:register", pk=register.pk)


def _entry_input(post: Any) -> services.EntryInput:
    return services.EntryInput(
        doc_number=post.get("doc_number", ""),
        doc_date=_day(post.get("doc_date", ""), "doc_date"),
        level=_number(post.get("level", ""), "level"),
        copies=_number(post.get("copies", ""), "copies"),
        summary=post.get("summary", ""),
        mark=post.get("mark", ""),
        signer=post.get("signer", ""),
        sender=post.get("sender", ""),
        received_on=_date(post.get("received_on", ""), "received_on", optional=True),
        storage=post.get("storage", ""),
        notes=post.get("notes", ""),
        marked_until=_date(post.get("marked_until", ""), "marked_until", optional=True),
        addressees=_recipients(post.get("addressees", ""), "addressees"),
        registered_on=_date(post.get("registered_on", ""), "registered_on", optional=True),
    )


@require_http_methods(["GET", "POST"])
def entry_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", K.OUTGOING)
    kind = kind if kind in {K.OUTGOING, K.INCOMING} else K.OUTGOING
    unit = policy.jurisdiction_root(request.user)
    error = None
    if request.method == "POST" and unit is not None:
        try:
            entry = services.entry_register(
                actor=request.user, org_unit=unit, kind=kind, data=_entry_input(request.POST)
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("Registered as number %(number)s of the %(register)s %(year)s.")
                % {
                    "number": entry.number,
                    "register": entry.register.get_kind_display().lower(),
                    "year": entry.register.year,
                },
            )
            return redirect("registers:entry", pk=entry.pk)
    levels = [(v, label) for v, label in Level.choices if v <= request.user.clearance]
    return render(
        request,
        "registers/entry_form.html",
        {
            "kind": kind,
            "kind_label": K(kind).label,
            "unit": unit,
            "levels": levels,
            "marks": Entry.Mark.choices,
            "values": request.POST,
            "error": error,
            "today": timezone.localdate(),
        },
        status=400 if error else 200,
    )


@require_GET
def entry_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = _visible_entry(request, pk)
    audit_record(
        actor=request.user,
        action="registers.entry.view",
        target=entry,
        org_unit=entry.register.org_unit,
        data={"register": entry.register.kind, "year": entry.register.year, "number": entry.number},
    )
    authorisations = [(a, services.copies_left(a)) for a in entry.authorisations.order_by("pk")]
    return render(
        request,
        "registers/entry.html",
        {
            "entry": entry,
            "values": entry.current(),
            "can_write": policy.can_write_entry(request.user, entry),
            "sees_summary": policy.sees_register_summary(request.user),
            "authorisations": authorisations,
            "is_source": entry.register.kind in {K.OUTGOING, K.INCOMING},
            "lower_levels": [(v, label) for v, label in Level.choices if v < entry.level],
            "copy_forms": Entry.CopyForm.choices,
            "marks": Entry.Mark.choices,
            "today": timezone.localdate(),
        },
    )


def _act(request: AuthenticatedHttpRequest, entry: Entry, done: str, action: Any) -> HttpResponse:
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return _back(entry)


@require_POST
def entry_amend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = _kept_entry(request, pk)
    post = request.POST

    def run() -> None:
        changes: dict[str, Any] = {
            name: post[name] for name in Entry.AMENDABLE if name in post and name != "doc_date"
        }
        if post.get("doc_date", "").strip():
            changes["doc_date"] = _day(post["doc_date"], "doc_date")
        services.entry_amend(
            actor=request.user, entry=entry, changes=changes, reason=post.get("reason", "")
        )

    return _act(request, entry, _("The amendment was added to the entry."), run)


@require_POST
def entry_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = _kept_entry(request, pk)
    return _act(
        request,
        entry,
        _("The number is cancelled; it will not be used again."),
        lambda: services.entry_cancel(
            actor=request.user, entry=entry, reason=request.POST.get("reason", "")
        ),
    )


@require_POST
def entry_receipt(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = _kept_entry(request, pk)

    def run() -> None:
        addressee = Addressee.objects.filter(
            entry=entry, pk=_number(request.POST.get("addressee", ""), "addressee")
        ).first()
        if addressee is None:
            raise DomainError(_("Addressee: choose one of this entry's addressees."))
        services.receipt_confirm(
            actor=request.user,
            addressee=addressee,
            received_on=_day(request.POST.get("received_on", ""), "received_on"),
            signed_by=request.POST.get("signed_by", ""),
        )

    return _act(request, entry, _("The receipt is confirmed."), run)


@require_POST
def entry_authorise(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = _kept_entry(request, pk)
    post = request.POST
    return _act(
        request,
        entry,
        _("The authorisation to copy is recorded."),
        lambda: services.copy_authorise(
            actor=request.user,
            entry=entry,
            copies=_number(post.get("copies", ""), "copies"),
            authorised_by=post.get("authorised_by", ""),
            reference=post.get("reference", ""),
            authorised_on=_day(post.get("authorised_on", ""), "authorised_on"),
        ),
    )


@require_POST
def entry_copy(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = _kept_entry(request, pk)
    post = request.POST

    def run() -> None:
        authorisation = CopyAuthorisation.objects.filter(
            entry=entry, pk=_number(post.get("authorisation", ""), "authorisation")
        ).first()
        if authorisation is None:
            raise DomainError(_("Authorisation: record the authorisation to copy first."))
        copy = services.copy_record(
            actor=request.user,
            authorisation=authorisation,
            copies=_number(post.get("copies", ""), "copies"),
            copy_form=post.get("copy_form", ""),
            recipients=_recipients(post.get("recipients", ""), "recipients"),
            notes=post.get("notes", ""),
        )
        messages.info(request, _("Copy register number %(number)s.") % {"number": copy.number})

    return _act(request, entry, _("The copies are entered in the copy register."), run)


@require_POST
def entry_handover(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = _kept_entry(request, pk)
    post = request.POST

    def run() -> None:
        handed = services.handover_record(
            actor=request.user,
            entry=entry,
            recipient=post.get("recipient", ""),
            copies=_number(post.get("copies", ""), "copies"),
            notes=post.get("notes", ""),
        )
        messages.info(
            request, _("Handover register number %(number)s.") % {"number": handed.number}
        )

    return _act(request, entry, _("The handover is entered in the handover register."), run)


@require_POST
def entry_protection(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Extension, lower level, declassification or destruction (by `act`)."""
    entry = _kept_entry(request, pk)
    post = request.POST
    act = post.get("act", "")

    def run() -> None:
        day = _day(post.get("day", ""), "day")
        decision = post.get("decision", "")
        if act == "extend":
            until = _day(post.get("until", ""), "until")
            services.protection_extend(
                actor=request.user, entry=entry, until=until, day=day, decision=decision
            )
        elif act == "downgrade":
            services.level_lower(
                actor=request.user,
                entry=entry,
                new_level=_number(post.get("new_level", ""), "new_level"),
                day=day,
                decision=decision,
                until=_date(post.get("until", ""), "until", optional=True),
            )
        elif act == "declassify":
            services.declassify(
                actor=request.user,
                entry=entry,
                day=day,
                decision=decision,
                reason=post.get("reason", ""),
            )
        elif act == "destroy":
            services.destroy(
                actor=request.user,
                entry=entry,
                day=day,
                decision=decision,
                council=post.get("council", ""),
                minutes=post.get("minutes", ""),
            )
        else:
            raise DomainError(_("Choose what to record."))

    return _act(request, entry, _("Recorded."), run)


@require_GET
@reads_from_replica
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    rows = list(selectors.entries_search(request.user, query)[:100]) if query else []
    if query:
        audit_record(
            actor=request.user,
            action="registers.entry.search",
            org_unit=request.user.org_unit,
            data={"words": len(query.split()), "results": len(rows)},
        )
    return render(
        request,
        "registers/search.html",
        {"query": query, "rows": rows, "sees_summary": policy.sees_register_summary(request.user)},
    )


@require_GET
def expiry(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "registers/expiry.html",
        {"rows": selectors.expiry_list(request.user, today=today)[:500], "today": today},
    )


@require_http_methods(["GET", "POST"])
def report(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The yearly statistics on screen; POST downloads them as XLSX or the report as DOCX."""
    today = timezone.localdate()
    source = request.POST if request.method == "POST" else request.GET
    unit = _unit_from(request, source.get("unit", ""))
    raw_year = source.get("year", "")
    year = int(raw_year) if raw_year.isdigit() else reports.default_year(today)
    stats = reports.yearly_statistics(actor=request.user, unit=unit, year=year)
    if request.method == "POST":
        if source.get("format") == "docx":
            narrative = reports.Narrative(
                **{name: source.get(name, "") for name in reports.Narrative.__dataclass_fields__}
            )
            data = reports.yearly_docx(actor=request.user, stats=stats, narrative=narrative)
            name, kind = f"bao-cao-bmnn-{year}-{unit.code}.docx", DOCX_TYPE
        else:
            data = reports.yearly_xlsx(actor=request.user, stats=stats)
            name, kind = f"thong-ke-bmnn-{year}-{unit.code}.xlsx", XLSX_CONTENT_TYPE
        return attachment(data, filename=name, content_type=kind)
    return render(
        request,
        "registers/report.html",
        {
            "unit": unit,
            "year": year,
            "years": range(today.year, today.year - 6, -1),
            "stats": stats,
            "due": reports.report_due(year),
            "level_names": [reports.LEVEL_NAMES[Level(lv)] for lv in stats.levels],
        },
    )
