"""Reads of the registers. Every one starts from `policy.register_entries_visible_to` (or
`registers_visible_to`), so an entry above the reader's clearance is absent from lists, search,
exports and counts alike."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.core.selectors import AttentionItem
from bvct.core.text import fold
from bvct.orgs.models import OrgUnit
from bvct.registers.models import Addressee, Entry, EntryEvent, Register

K = Register.Kind
S = Entry.Status
RECEIPT_WAIT_DAYS = 10  # receipts still unconfirmed after this many days are flagged
EXPIRY_HORIZON_DAYS = 180


def entries_with_details(rows: QuerySet[Entry]) -> QuerySet[Entry]:
    return rows.select_related("register__org_unit", "copy_of", "authorisation").prefetch_related(
        Prefetch("events", queryset=EntryEvent.objects.order_by("pk")),
        Prefetch("addressees", queryset=Addressee.objects.order_by("pk")),
        Prefetch(
            "derived",
            queryset=Entry.objects.select_related("register").prefetch_related("addressees"),
        ),
    )


def register_entries(actor: User, register: Register) -> QuerySet[Entry]:
    return entries_with_details(
        policy.register_entries_visible_to(actor).filter(register=register)
    ).order_by("number")


@dataclass(frozen=True)
class RegisterRow:
    register: Register | None
    kind: str
    label: str
    visible: int


def year_overview(actor: User, unit: OrgUnit, year: int) -> list[RegisterRow]:
    """The unit's four registers for the year, with the entries the actor may see counted."""
    registers = {
        r.kind: r for r in policy.registers_visible_to(actor).filter(org_unit=unit, year=year)
    }
    counts = dict(
        policy.register_entries_visible_to(actor)
        .filter(register__org_unit=unit, register__year=year)
        .values_list("register__kind")
        .annotate(n=Count("pk"))
    )
    return [
        RegisterRow(registers.get(kind), kind, str(label), counts.get(kind, 0))
        for kind, label in K.choices
    ]


def entries_search(actor: User, query: str, unit: OrgUnit | None = None) -> QuerySet[Entry]:
    """Words found in the metadata (and, for registrars, in the summary), any order, folded."""
    rows = policy.register_entries_visible_to(actor)
    if unit is not None:
        rows = rows.filter(OrgUnit.subtree_filter(unit.path, prefix="register__org_unit__"))
    with_summary = policy.sees_register_summary(actor)
    for word in fold(query).split():
        match = Q(search_text__contains=word)
        if with_summary:
            match |= Q(summary_key__contains=word)
        rows = rows.filter(match)
    return entries_with_details(rows).order_by("-registered_on", "-pk")


def expiry_list(
    actor: User, *, today: dt.date | None = None, horizon_days: int = EXPIRY_HORIZON_DAYS
) -> QuerySet[Entry]:
    """Documents still under protection whose period ended or ends within the horizon."""
    today = today or timezone.localdate()
    return (
        policy.register_entries_visible_to(actor)
        .filter(
            status=S.ACTIVE,
            register__kind__in=[K.OUTGOING, K.INCOMING],
            protected_until__lte=today + dt.timedelta(days=horizon_days),
        )
        .select_related("register__org_unit")
        .order_by("protected_until", "pk")
    )


def receipts_waiting(actor: User, *, today: dt.date | None = None) -> QuerySet[Addressee]:
    today = today or timezone.localdate()
    entries = policy.register_entries_visible_to(actor).exclude(status=S.CANCELLED)
    return (
        Addressee.objects.filter(
            entry__in=entries,
            received_on__isnull=True,
            entry__registered_on__lte=today - dt.timedelta(days=RECEIPT_WAIT_DAYS),
        )
        .select_related("entry__register__org_unit")
        .order_by("entry__registered_on", "pk")
    )


def register_attention(actor: User) -> list[AttentionItem]:
    """Home page, registrars: receipts long unconfirmed, protection periods that ended, and the
    yearly report in its last days (due 20 December)."""
    if not policy.sees_register_summary(actor):
        return []
    today = timezone.localdate()
    index = reverse("registers:index")
    items = [
        AttentionItem(
            _("Receipts of classified documents not confirmed"),
            receipts_waiting(actor, today=today).count(),
            index,
            "warning",
        ),
        AttentionItem(
            _("Classified documents past their protection period"),
            expiry_list(actor, today=today, horizon_days=0).count(),
            reverse("registers:expiry"),
            "danger",
        ),
    ]
    if today.month == 12 and today.day <= 20:  # noqa: PLR2004 (report due 20 December)
        items.append(
            AttentionItem(
                _("Yearly state-secret report due 20/12"), 1, reverse("registers:report"), "info"
            )
        )
    return items
