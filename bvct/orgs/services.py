"""Writes to the organisation tree: create, rename, merge. Each is one transaction and one audit
event, and refuses with a `DomainError` (Vietnamese message, with the form field) when a rule fails.

Bulk seeding of the official units is in `loader.py`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.access.policy import can_manage_org_unit
from bvct.accounts.models import User
from bvct.audit.services import audit_record, changes
from bvct.core.errors import AccessDenied, DomainError
from bvct.core.text import nfc
from bvct.orgs.merge import merge_handlers
from bvct.orgs.models import OrgUnit

Kind = OrgUnit.Kind

# Which kinds of unit each kind may sit under (the 2025 structure, domain.md §4). Trung ương is
# the root and is never created under another unit.
ALLOWED_PARENT_KINDS: dict[str, frozenset[str]] = {
    Kind.CENTRAL: frozenset(),
    Kind.CENTRAL_ORG: frozenset({Kind.CENTRAL}),
    Kind.PROVINCE: frozenset({Kind.CENTRAL}),
    Kind.PROVINCIAL_BLOCK: frozenset({Kind.PROVINCE}),
    Kind.COMMUNE: frozenset({Kind.PROVINCE}),
    Kind.GRASSROOTS: frozenset(
        {Kind.COMMUNE, Kind.PROVINCIAL_BLOCK, Kind.CENTRAL_ORG, Kind.PROVINCE}
    ),
    Kind.SUB_COMMITTEE: frozenset({Kind.GRASSROOTS}),
    Kind.BRANCH: frozenset({Kind.GRASSROOTS, Kind.SUB_COMMITTEE}),
}

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._-]*$")
_TREE_FIELDS = ["path", "depth", "numchild", "name_key"]


def kinds_allowed_under(parent_kind: str) -> list[str]:
    """The kinds that may be created under a unit of `parent_kind`, in declaration order."""
    return [kind for kind in Kind.values if parent_kind in ALLOWED_PARENT_KINDS[kind]]


def _date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _kind_label(kind: str) -> str:
    return str(Kind(kind).label)


def _require_manage(actor: User, unit: OrgUnit) -> None:
    if not can_manage_org_unit(actor, unit):
        raise AccessDenied(_("You may not manage this organisation unit."))


def _full_clean(unit: OrgUnit, *, exclude: list[str]) -> None:
    """Model validation, reported as a DomainError on the first failing field."""
    try:
        unit.full_clean(exclude=exclude)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=None if field == NON_FIELD_ERRORS else field) from exc


def _locked(unit: OrgUnit) -> OrgUnit:
    locked: OrgUnit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    return locked


# --- create --------------------------------------------------------------------------------------


def _clean_code(code: str) -> str:
    code = nfc(code).upper()
    if not code:
        raise DomainError(_("Enter a code for the unit."), field="code")
    if not CODE_PATTERN.match(code):
        raise DomainError(
            _(
                "The code “%(code)s” may contain only letters A–Z, digits, “-”, “_” and “.”,"
                " and must start with a letter or a digit."
            )
            % {"code": code},
            field="code",
        )
    if OrgUnit.objects.filter(code__iexact=code).exists():
        raise DomainError(
            _("The code “%(code)s” is already in use: choose another code.") % {"code": code},
            field="code",
        )
    return code


def _check_parent(parent: OrgUnit, kind: str, valid_from: dt.date) -> None:
    if kind not in ALLOWED_PARENT_KINDS:
        raise DomainError(_("Choose a valid unit type."), field="kind")
    allowed = ALLOWED_PARENT_KINDS[kind]
    if parent.kind not in allowed:
        allowed_labels = ", ".join(_kind_label(k) for k in Kind.values if k in allowed)
        raise DomainError(
            _(
                "A unit of type “%(kind)s” cannot be placed under “%(parent)s” (%(parent_kind)s);"
                " it may only be placed under: %(allowed)s."
            )
            % {
                "kind": _kind_label(kind),
                "parent": parent.name,
                "parent_kind": _kind_label(parent.kind),
                "allowed": allowed_labels or _("no unit (it is the root of the tree)"),
            },
            field="kind",
        )
    if parent.valid_to is not None:
        raise DomainError(
            _("“%(parent)s” ended on %(date)s: no unit can be added under it.")
            % {"parent": parent.name, "date": _date(parent.valid_to)}
        )
    if parent.valid_from is not None and valid_from < parent.valid_from:
        raise DomainError(
            _("The start date %(date)s is before the start of “%(parent)s” (%(parent_date)s).")
            % {
                "date": _date(valid_from),
                "parent": parent.name,
                "parent_date": _date(parent.valid_from),
            },
            field="valid_from",
        )


@transaction.atomic
def unit_create(
    *,
    parent: OrgUnit,
    code: str,
    name: str,
    kind: str,
    valid_from: dt.date | None = None,
    actor: User,
) -> OrgUnit:
    """Add a unit as the last child of `parent` (whose subtree the actor manages)."""
    parent = _locked(parent)
    _require_manage(actor, parent)
    name = nfc(name)
    valid_from = valid_from or timezone.localdate()
    _check_parent(parent, kind, valid_from)
    code = _clean_code(code)
    if not name:
        raise DomainError(_("Enter a name for the unit."), field="name")
    unit = OrgUnit(code=code, name=name, kind=kind, valid_from=valid_from)
    _full_clean(unit, exclude=_TREE_FIELDS)
    unit = OrgUnit.objects.add_child(parent, instance=unit)
    new = {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "valid_from": unit.valid_from,
        "parent_id": parent.pk,
    }
    audit_record(
        actor=actor,
        action="orgs.unit.create",
        target=unit,
        org_unit=unit,
        data=changes({}, new),
    )
    return unit


# --- rename --------------------------------------------------------------------------------------


@transaction.atomic
def unit_rename(*, unit: OrgUnit, name: str, short_name: str = "", actor: User) -> OrgUnit:
    """Change a unit's name and short name. Submitting the current names changes nothing."""
    unit = _locked(unit)
    _require_manage(actor, unit)
    name, short_name = nfc(name), nfc(short_name)
    if not name:
        raise DomainError(_("Enter a name for the unit."), field="name")
    old = {"name": unit.name, "short_name": unit.short_name}
    new = {"name": name, "short_name": short_name}
    if old == new:
        return unit
    unit.name, unit.short_name = name, short_name
    _full_clean(unit, exclude=_TREE_FIELDS)
    unit.save(update_fields=["name", "short_name", "name_key"])
    audit_record(
        actor=actor,
        action="orgs.unit.rename",
        target=unit,
        org_unit=unit,
        data=changes(old, new),
    )
    return unit


# --- merge ---------------------------------------------------------------------------------------


def unit_merge_check(
    *, unit: OrgUnit, successor: OrgUnit, effective_date: dt.date, actor: User
) -> None:
    """Raise the DomainError `unit_merge` would raise; writes nothing (the confirmation step)."""
    _require_manage(actor, unit)
    if unit.is_root():
        raise DomainError(_("The root of the tree cannot be merged into another unit."))
    if unit.valid_to is not None:
        raise DomainError(
            _("“%(unit)s” already ended on %(date)s.")
            % {"unit": unit.name, "date": _date(unit.valid_to)}
        )
    _check_successor(unit=unit, successor=successor, actor=actor)
    _check_effective_date(unit=unit, successor=successor, effective_date=effective_date)


def _check_successor(*, unit: OrgUnit, successor: OrgUnit, actor: User) -> None:
    if successor.pk == unit.pk:
        raise DomainError(_("A unit cannot be merged into itself."), field="successor")
    if not can_manage_org_unit(actor, successor):
        raise DomainError(
            _("The successor must be a unit within your jurisdiction."), field="successor"
        )
    if unit.contains(successor):
        raise DomainError(
            _(
                "“%(successor)s” lies under “%(unit)s”:"
                " a unit cannot be merged into its own sub-unit."
            )
            % {"successor": successor.name, "unit": unit.name},
            field="successor",
        )
    if successor.valid_to is not None:
        raise DomainError(
            _("“%(successor)s” ended on %(date)s: choose an active unit as the successor.")
            % {"successor": successor.name, "date": _date(successor.valid_to)},
            field="successor",
        )
    if successor.kind != unit.kind:
        raise DomainError(
            _(
                "“%(successor)s” is of type “%(successor_kind)s”: a unit of type “%(kind)s”"
                " can only be merged into a unit of the same type."
            )
            % {
                "successor": successor.name,
                "successor_kind": _kind_label(successor.kind),
                "kind": _kind_label(unit.kind),
            },
            field="successor",
        )


def _check_effective_date(*, unit: OrgUnit, successor: OrgUnit, effective_date: dt.date) -> None:
    if effective_date > timezone.localdate():
        raise DomainError(
            _(
                "The effective date %(date)s is in the future:"
                " record the merge on or after that day."
            )
            % {"date": _date(effective_date)},
            field="effective_date",
        )
    if unit.valid_from is not None and effective_date <= unit.valid_from:
        raise DomainError(
            _("The effective date must be after the start of “%(unit)s” (%(date)s).")
            % {"unit": unit.name, "date": _date(unit.valid_from)},
            field="effective_date",
        )
    if successor.valid_from is not None and effective_date < successor.valid_from:
        raise DomainError(
            _("The effective date is before the start of “%(successor)s” (%(date)s).")
            % {"successor": successor.name, "date": _date(successor.valid_from)},
            field="effective_date",
        )


def _move_active_children(unit: OrgUnit, successor: OrgUnit) -> int:
    """Move the unit's active children (with their subtrees) under the successor, in order."""
    children = list(
        OrgUnit.objects.filter(OrgUnit.subtree_filter(unit.path), depth=unit.depth + 1)
        .filter(valid_to__isnull=True)
        .order_by("path")
        .values_list("pk", flat=True)
    )
    for pk in children:
        # Paths change with every move, so each child is read fresh just before it moves.
        OrgUnit.objects.move(OrgUnit.objects.get(pk=pk), successor, "last-child")
    return len(children)


def _run_merge_handlers(
    *, unit: OrgUnit, successor: OrgUnit, effective_date: dt.date, actor: User
) -> dict[str, int]:
    moved: dict[str, int] = {}
    for entry in merge_handlers():
        moved[entry.name] = entry.handler(
            unit=unit, successor=successor, effective_date=effective_date, actor=actor
        )
    return moved


@transaction.atomic
def unit_merge(
    *, unit: OrgUnit, successor: OrgUnit, effective_date: dt.date, actor: User
) -> OrgUnit:
    """Merge `unit` into `successor` from `effective_date` (the successor's first day in charge).

    * The old unit's validity ends the day before: `valid_to = effective_date - 1 day`, so the
      two units' validity periods never overlap and `valid_on(day)` finds exactly one of them.
      It stays in the tree, at its place, as history; `successor` links it to the new unit.
    * Its active children move, with their subtrees, under the successor (ended children stay).
    * Its users are reassigned to the successor.
    * Every handler registered with `merge.register_merge_handler` moves its open records.
    * Only units of the same type merge, so every moved child is allowed under the successor.

    Everything happens in this transaction, recorded by one "orgs.unit.merge" audit event.
    """
    # Lock both rows in a fixed order so two concurrent merges cannot deadlock.
    locked = {
        u.pk: u
        for u in OrgUnit.objects.select_for_update()
        .filter(pk__in=[unit.pk, successor.pk])
        .order_by("pk")
    }
    unit, successor = locked[unit.pk], locked[successor.pk]
    unit_merge_check(unit=unit, successor=successor, effective_date=effective_date, actor=actor)
    children_moved = _move_active_children(unit, successor)
    users_moved = User.objects.filter(org_unit=unit).update(org_unit=successor)
    records_moved = _run_merge_handlers(
        unit=unit, successor=successor, effective_date=effective_date, actor=actor
    )
    unit.refresh_from_db()
    old: dict[str, Any] = {"valid_to": unit.valid_to, "successor_id": unit.successor_id}
    unit.valid_to = effective_date - dt.timedelta(days=1)
    unit.successor = successor
    _full_clean(unit, exclude=_TREE_FIELDS)
    unit.save(update_fields=["valid_to", "successor"])
    data: dict[str, Any] = changes(old, {"valid_to": unit.valid_to, "successor_id": successor.pk})
    data.update(
        effective_date=effective_date,
        successor_code=successor.code,
        children_moved=children_moved,
        users_moved=users_moved,
        records_moved=records_moved,
    )
    audit_record(actor=actor, action="orgs.unit.merge", target=unit, org_unit=unit, data=data)
    return unit
