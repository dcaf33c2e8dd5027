"""Deadlines of verification requests: the reply limit in force, reminders before the due date,
escalation after it (`bvct tick`), reuse of valid earlier replies, and reply-time statistics."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.audit.services import audit_record
from bvct.core.errors import DomainError
from bvct.orgs.models import OrgUnit
from bvct.people.models import Relative
from bvct.verification.models import (
    CoveredPerson,
    ReplyLimit,
    ReplyOutcome,
    VerificationRequest,
)
from bvct.vetting.models import Case
from bvct.workdays.calendar import load_calendar

S = VerificationRequest.Status
PENDING = (S.SENT, S.RECEIVED)
REUSABLE = (ReplyOutcome.CERTIFIED, ReplyOutcome.CERTIFIED_WITH_NOTES)


def reply_limit_for(kind: str, day: dt.date) -> ReplyLimit:
    row = (
        ReplyLimit.objects.filter(addressee_kind=kind, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from")
        .first()
    )
    if row is None:
        raise DomainError(
            _("No reply time limit is in force for this kind of addressee; tell an administrator.")
        )
    return row


class LimitCache:
    """The reply limits already read in one batch, by (addressee kind, day)."""

    def __init__(self) -> None:
        self._rows: dict[tuple[str, dt.date], ReplyLimit] = {}

    def get(self, kind: str, day: dt.date) -> ReplyLimit:
        key = (kind, day)
        if key not in self._rows:
            self._rows[key] = reply_limit_for(kind, day)
        return self._rows[key]


def is_overdue(request: VerificationRequest, today: dt.date | None = None) -> bool:
    day = today or timezone.localdate()
    return request.is_pending and request.due_on is not None and request.due_on < day


# --- reminders and escalation -------------------------------------------------------------------


@dataclass
class TickResult:
    reminded: list[VerificationRequest] = field(default_factory=list)
    escalated: list[VerificationRequest] = field(default_factory=list)


def _superior(unit: OrgUnit) -> OrgUnit:
    parent = OrgUnit.objects.filter(path=unit.path[: -OrgUnit.steplen]).first()
    return parent or unit


@transaction.atomic
def _remind(pk: int, today: dt.date) -> VerificationRequest | None:
    request = VerificationRequest.objects.select_for_update(of=("self",)).get(pk=pk)
    if not request.is_pending or request.reminded_for_due_on == request.due_on:
        return None
    request.reminded_for_due_on = request.due_on
    request.save(update_fields=["reminded_for_due_on"])
    audit_record(
        actor=None,
        action="verification.request.remind",
        target=request,
        org_unit=request.addressee_unit or request.requesting_unit,
        data={"due_on": f"{request.due_on:%Y-%m-%d}", "on": f"{today:%Y-%m-%d}"},
    )
    return request


@transaction.atomic
def _escalate(pk: int, today: dt.date) -> VerificationRequest | None:
    request = (
        VerificationRequest.objects.select_for_update(of=("self",))
        .select_related("addressee_unit", "requesting_unit")
        .get(pk=pk)
    )
    if not is_overdue(request, today) or request.escalated_on is not None:
        return None
    # a late party addressee is chased by its own superior; an external body by the requester's
    superior = _superior(request.addressee_unit or request.requesting_unit)
    request.escalated_to = superior
    request.escalated_on = today
    request.save(update_fields=["escalated_to", "escalated_on"])
    audit_record(
        actor=None,
        action="verification.request.escalate",
        target=request,
        org_unit=request.requesting_unit,
        data={"due_on": f"{request.due_on:%Y-%m-%d}", "to_unit": superior.pk},
    )
    return request


def remind_and_escalate(*, today: dt.date | None = None) -> TickResult:
    """`bvct tick`: remind the addressee N working days before the due date (N from the reply
    limit in force when the letter was sent), escalate once the day after it. Idempotent."""
    day = today or timezone.localdate()
    result = TickResult()
    pending = list(
        VerificationRequest.objects.filter(status__in=PENDING, due_on__isnull=False).order_by(
            "due_on", "pk"
        )
    )
    if not pending:
        return result
    dues = [r.due_on for r in pending if r.due_on is not None]
    calendar = load_calendar(min(day, *dues), max(day, *dues))
    limits = LimitCache()
    for request in pending:
        due = request.due_on
        assert due is not None  # noqa: S101 (filtered)
        if due < day:
            escalated = _escalate(request.pk, day)
            if escalated is not None:
                result.escalated.append(escalated)
            continue
        limit = limits.get(request.addressee_kind, request.sent_on or day)
        if calendar.working_days_between(day, due) <= limit.reminder_days:
            reminded = _remind(request.pk, day)
            if reminded is not None:
                result.reminded.append(reminded)
    return result


# --- reuse --------------------------------------------------------------------------------------


def _same_person_filter(case: Case, relative: Relative | None) -> Q:
    """Covers of earlier requests that are about the same human being."""
    if relative is None:
        return Q(relative__isnull=True, request__case__person=case.person) | Q(
            relative__linked_person=case.person
        )
    same = Q(relative=relative)
    if relative.linked_person_id is not None:
        same |= Q(relative__linked_person_id=relative.linked_person_id)
        same |= Q(relative__isnull=True, request__case__person_id=relative.linked_person_id)
    if relative.cccd:  # the CCCD is sealed: exact match through its blind index
        same |= Q(relative__cccd_bidx=relative.cccd_bidx)
    if relative.birth_date is not None:
        same |= Q(relative__name_key=relative.name_key, relative__birth_date=relative.birth_date)
    return same


def reuse_offers(
    *, actor: User, case: Case, relatives: list[Relative | None], today: dt.date | None = None
) -> dict[int | None, list[VerificationRequest]]:
    """For each person (None: the subject), the certified replies about them, for a case of the
    same type, still within the reuse validity of their addressee kind, that the actor may see."""
    day = today or timezone.localdate()
    visible = policy.verification_requests_visible_to(actor).filter(
        status=S.ANSWERED, reply_outcome__in=REUSABLE, case__case_type=case.case_type
    )
    offers: dict[int | None, list[VerificationRequest]] = {}
    limits = LimitCache()
    for relative in relatives:
        covers = CoveredPerson.objects.filter(_same_person_filter(case, relative)).values(
            "request_id"
        )
        found = []
        for request in visible.filter(pk__in=covers).order_by("-replied_on", "-pk"):
            limit = limits.get(request.addressee_kind, day)
            assert request.replied_on is not None  # noqa: S101 (answered)
            if _months_later(request.replied_on, limit.reuse_months) >= day:
                found.append(request)
        offers[relative.pk if relative else None] = found
    return offers


def _months_later(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in range(day.day, 0, -1):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    return dt.date(year, month, 1)


# --- statistics ---------------------------------------------------------------------------------


@dataclass
class StatsRow:
    label: str
    sent: int = 0
    answered: int = 0
    overdue_now: int = 0
    reply_days: list[int] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        values = sorted(self.reply_days)
        if not values:
            return None
        mid = len(values) // 2
        return float(values[mid]) if len(values) % 2 else (values[mid - 1] + values[mid]) / 2

    @property
    def p90(self) -> int | None:
        """Nearest rank: the smallest value with at least 90 % of the values at or below it."""
        values = sorted(self.reply_days)
        if not values:
            return None
        return values[max(0, math.ceil(0.9 * len(values)) - 1)]


@dataclass
class Stats:
    by_addressee: list[StatsRow]
    by_node: list[StatsRow]


def request_stats(
    requests: QuerySet[VerificationRequest], *, date_from: dt.date, date_to: dt.date
) -> Stats:
    """Letters sent in [date_from, date_to]: per addressee and per requesting node, sent,
    answered, median and p90 reply time in working days, and overdue now."""
    today = timezone.localdate()
    rows = list(
        requests.filter(sent_on__gte=date_from, sent_on__lte=date_to)
        .exclude(status=S.AWAITING_CONSENT)
        .select_related("addressee_unit", "addressee_body", "requesting_unit")
    )
    if not rows:
        return Stats([], [])
    start = min(r.sent_on for r in rows if r.sent_on)
    calendar = load_calendar(start, max(today, date_to))
    by_addressee: dict[str, StatsRow] = defaultdict(lambda: StatsRow(""))
    by_node: dict[str, StatsRow] = defaultdict(lambda: StatsRow(""))
    for request in rows:
        for table, label in (
            (by_addressee, request.addressee_name),
            (by_node, request.requesting_unit.name),
        ):
            row = table[label]
            row.label = label
            row.sent += 1
            if request.status == S.ANSWERED and request.replied_on and request.sent_on:
                row.answered += 1
                row.reply_days.append(
                    calendar.working_days_between(request.sent_on, request.replied_on)
                )
            if is_overdue(request, today):
                row.overdue_now += 1
    order = sorted
    return Stats(
        by_addressee=order(by_addressee.values(), key=lambda r: r.label),
        by_node=order(by_node.values(), key=lambda r: r.label),
    )
