"""Writes for the working-day calendar: add and remove admin-edited overrides.

Each service checks the actor, validates, writes and records one audit event in one transaction.
Refusals raise `DomainError` (with `field`) before anything is written. The calendar is national:
only administrators at the root of the tree edit it (`policy.can_edit_calendar`).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.audit.services import audit_record, changes
from bvct.core.errors import AccessDenied, DomainError
from bvct.core.text import nfc
from bvct.workdays import calendar
from bvct.workdays.models import WorkdayOverride

Kind = WorkdayOverride.Kind


def override_summary(override: WorkdayOverride) -> dict[str, Any]:
    """What the audit log keeps about an override (no personal data in it)."""
    return {"date": override.date.isoformat(), "kind": override.kind, "reason": override.reason}


def _require_calendar_admin(actor: User) -> None:
    if not policy.can_edit_calendar(actor):
        raise AccessDenied(_("Only national administrators edit the working-day calendar."))


def _clean_reason(reason: str) -> str:
    cleaned = nfc(reason)
    if not cleaned:
        raise DomainError(
            _("Reason: say why this day is changed (e.g. the government notice)."),
            field="reason",
        )
    return cleaned


def _check_kind(kind: str) -> None:
    if kind not in Kind.values:
        raise DomainError(_("Kind: unknown kind “%(kind)s”.") % {"kind": kind}, field="kind")


def _check_date(day: datetime.date, kind: str) -> None:
    """The override must change something and be the only one for its date."""
    shown = calendar.format_day(day)
    try:
        library = calendar.library_day(day)
    except calendar.CalendarRangeError as exc:
        raise DomainError(_("Date: %(error)s") % {"error": exc.message}, field="date") from exc
    existing = WorkdayOverride.objects.filter(date=day).first()
    if existing is not None:
        raise DomainError(
            _("Date: %(date)s already has a calendar override (%(kind)s: %(reason)s).")
            % {"date": shown, "kind": existing.get_kind_display(), "reason": existing.reason},
            field="date",
        )
    if kind == Kind.WORKING_DAY and library.is_working_day:
        raise DomainError(
            _("Date: %(date)s is already a working day; a make-up working day must be a day off.")
            % {"date": shown},
            field="date",
        )
    if kind == Kind.DAY_OFF and not library.is_working_day:
        name = library.name or str(library.status.label)
        raise DomainError(
            _(
                "Date: %(date)s is already a day off (%(name)s); an extra day off must be a "
                "working day."
            )
            % {"date": shown, "name": name},
            field="date",
        )


def _full_clean(override: WorkdayOverride) -> None:
    try:
        override.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        label = (
            str(getattr(WorkdayOverride._meta.get_field(field), "verbose_name", field))
            if field != NON_FIELD_ERRORS
            else _("Override")
        ).capitalize()
        text = " ".join(messages).rstrip(".") + "."
        raise DomainError(
            f"{label}: {text}", field=None if field == NON_FIELD_ERRORS else field
        ) from exc


@transaction.atomic
def override_create(*, date: datetime.date, kind: str, reason: str, actor: User) -> WorkdayOverride:
    """Make `date` an extra day off or a make-up working day, on top of the public holidays."""
    _require_calendar_admin(actor)
    reason = _clean_reason(reason)
    _check_kind(kind)
    _check_date(date, kind)
    override = WorkdayOverride(date=date, kind=kind, reason=reason, created_by=actor)
    _full_clean(override)
    try:
        with transaction.atomic():
            override.save(force_insert=True)
    except IntegrityError as exc:  # a concurrent request added the same date first
        raise DomainError(
            _("Date: %(date)s already has a calendar override.")
            % {"date": calendar.format_day(date)},
            field="date",
        ) from exc
    audit_record(
        actor=actor,
        action="workdays.override.create",
        target=override,
        data=changes({}, override_summary(override)),
    )
    return override


@transaction.atomic
def override_delete(*, override: WorkdayOverride, actor: User) -> None:
    """Remove an override: the day follows the public-holiday calendar again."""
    _require_calendar_admin(actor)
    locked = WorkdayOverride.objects.select_for_update().filter(pk=override.pk).first()
    if locked is None:
        raise DomainError(
            _("Date: the override for %(date)s was already removed.")
            % {"date": calendar.format_day(override.date)},
            field="date",
        )
    audit_record(
        actor=actor,
        action="workdays.override.delete",
        target=locked,
        data={"old": override_summary(locked)},
    )
    locked.delete()
