"""Time limits as data: the step limits and due-process windows in force, and their revision.

A limit is never edited in place: a revision closes the current row the day before the new one
starts and adds the new row, so a step keeps the limit that was in force when it started and the
history of the rule stays readable. Only national administrators revise (`policy`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.audit.services import audit_record
from bvct.core.errors import AccessDenied, DomainError
from bvct.verification.models import ReplyLimit
from bvct.vetting.models import StepLimit, WindowLimit


@dataclass(frozen=True)
class Revision:
    days: int
    legal_basis: str
    valid_from: dt.date
    is_statutory: bool = False
    max_extension_days: int = 0
    max_extensions: int = 0
    reminder_days: int = 3  # reply limits: reminder this many working days before the due date
    reuse_months: int = 12  # reply limits: how long the answer may be reused


def _in_force(day: dt.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def step_limits(day: dt.date | None = None) -> list[tuple[StepLimit, bool]]:
    """Every step-limit row with whether it is in force on `day` (default today)."""
    on = day or timezone.localdate()
    current = set(StepLimit.objects.filter(_in_force(on)).values_list("pk", flat=True))
    rows = StepLimit.objects.order_by("case_type", "status", "purpose", "-valid_from")
    return [(row, row.pk in current) for row in rows]


def window_limits(day: dt.date | None = None) -> list[tuple[WindowLimit, bool]]:
    on = day or timezone.localdate()
    current = set(WindowLimit.objects.filter(_in_force(on)).values_list("pk", flat=True))
    rows = WindowLimit.objects.order_by("kind", "case_type", "-valid_from")
    return [(row, row.pk in current) for row in rows]


def reply_limits(day: dt.date | None = None) -> list[tuple[ReplyLimit, bool]]:
    on = day or timezone.localdate()
    current = set(ReplyLimit.objects.filter(_in_force(on)).values_list("pk", flat=True))
    rows = ReplyLimit.objects.order_by("addressee_kind", "-valid_from")
    return [(row, row.pk in current) for row in rows]


Limit = StepLimit | WindowLimit | ReplyLimit


def _check(actor: User, current: Limit, revision: Revision) -> None:
    if not policy.can_edit_limits(actor):
        raise AccessDenied(_("Only a national administrator may change time limits."))
    if current.valid_to is not None:
        raise DomainError(
            _("This row is an earlier version; revise the latest one."), field="limit"
        )
    if revision.days < 1:
        raise DomainError(_("Days: at least 1."), field="days")
    if not revision.legal_basis.strip():
        raise DomainError(
            _("Legal basis: name the document and article, or say it is an internal target."),
            field="legal_basis",
        )
    today = timezone.localdate()
    if revision.valid_from < today:
        raise DomainError(
            _("Valid from: not before today (%(date)s); running cases keep their limits.")
            % {"date": f"{today:%d/%m/%Y}"},
            field="valid_from",
        )
    if revision.valid_from <= current.valid_from:
        raise DomainError(
            _("Valid from: after the current version, which starts on %(date)s.")
            % {"date": f"{current.valid_from:%d/%m/%Y}"},
            field="valid_from",
        )


def _audit(actor: User, old: Limit, new: Limit) -> None:
    audit_record(
        actor=actor,
        action="vetting.limit.revise",
        target=new,
        data={
            "model": type(new).__name__,
            "previous": old.pk,
            "previous_valid_to": f"{old.valid_to:%Y-%m-%d}" if old.valid_to else None,
            "valid_from": f"{new.valid_from:%Y-%m-%d}",
            "days": new.days if isinstance(new, WindowLimit) else new.working_days,
            "legal_basis": new.legal_basis,
        },
    )


def _fields_of(current: Limit, revision: Revision) -> dict[str, object]:
    """The new row: what identifies the limit is carried over, what it says comes from the
    revision (model-specific checks first)."""
    common = {
        "legal_basis": revision.legal_basis.strip(),
        "is_statutory": revision.is_statutory,
        "valid_from": revision.valid_from,
    }
    if isinstance(current, StepLimit):
        if revision.max_extensions and revision.max_extension_days < 1:
            raise DomainError(
                _("Longest extension: give the days when extensions are allowed."),
                field="max_extension_days",
            )
        return common | {
            "case_type": current.case_type,
            "status": current.status,
            "purpose": current.purpose,
            "working_days": revision.days,
            "max_extension_days": revision.max_extension_days,
            "max_extensions": revision.max_extensions,
        }
    if isinstance(current, WindowLimit):
        return common | {
            "kind": current.kind,
            "case_type": current.case_type,
            "days": revision.days,
            "working_days": current.working_days,
        }
    if revision.reuse_months < 1:
        raise DomainError(_("Reuse: at least 1 month."), field="reuse_months")
    return common | {
        "addressee_kind": current.addressee_kind,
        "working_days": revision.days,
        "reminder_days": revision.reminder_days,
        "reuse_months": revision.reuse_months,
    }


@transaction.atomic
def limit_revise(*, actor: User, limit: Limit, revision: Revision) -> Limit:
    """Close the current row the day before `revision.valid_from` and add the new version."""
    model = type(limit)
    current = model.objects.select_for_update().get(pk=limit.pk)
    _check(actor, current, revision)
    fields = _fields_of(current, revision)
    current.valid_to = revision.valid_from - dt.timedelta(days=1)
    current.save(update_fields=["valid_to"])
    new = model.objects.create(**fields)
    _audit(actor, current, new)
    return new
