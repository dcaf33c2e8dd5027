"""Travel abroad: the member applies (or a clerk enters a paper application), the chi bộ gives
its opinion, the committee that manages the member — and the committee where the member is
active, when it is another one — decide; after re-entry the member reports within the working
days in force. Every write is audited."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import RoleCode, User
from bvct.audit.services import audit_record
from bvct.core.errors import AccessDenied, DomainError
from bvct.orgs.models import OrgUnit
from bvct.people.models import Person, Relative
from bvct.travel.models import (
    ReturnReport,
    ShortReport,
    TravelApplication,
    TravelDecision,
    TravelLimit,
)
from bvct.workdays.calendar import add_working_days, load_calendar

K = OrgUnit.Kind
S = TravelApplication.Status
NOT_A_COMMITTEE = {K.BRANCH, K.SUB_COMMITTEE}
DEFAULT_REPORT_DAYS = 7


def managing_committee(unit: OrgUnit) -> OrgUnit:
    """The nearest party committee at or above `unit` (a chi bộ or a đảng bộ bộ phận does not
    decide travel): the grassroots committee for an ordinary member."""
    step = OrgUnit.steplen
    paths = [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]
    chain = sorted(OrgUnit.objects.filter(path__in=paths), key=lambda u: -len(u.path))
    return next((u for u in chain if u.kind not in NOT_A_COMMITTEE), unit)


def committees_for(person: Person, active_unit: OrgUnit | None) -> list[OrgUnit]:
    managing = managing_committee(person.org_unit)
    if active_unit is None:
        return [managing]
    active = managing_committee(active_unit)
    return [managing] if active.pk == managing.pk else [managing, active]


def report_days(day: dt.date) -> TravelLimit | None:
    return TravelLimit.objects.filter(valid_from__lte=day).order_by("-valid_from").first()


@dataclass(frozen=True)
class ApplicationInput:
    purpose: str
    countries: str
    departs_on: dt.date
    returns_on: dt.date
    funding: str
    funding_note: str = ""
    companions: str = ""
    classified_material: bool = False
    classified_note: str = ""
    relatives: list[Relative] = field(default_factory=list)
    relatives_commitment: str = ""
    active_unit: OrgUnit | None = None


def _audit(actor: User | None, action: str, target: object, unit: OrgUnit, **data: object) -> None:
    audit_record(actor=actor, action=action, target=target, org_unit=unit, data=data or None)  # type: ignore[arg-type]


def _check(person: Person, data: ApplicationInput, today: dt.date) -> None:
    if data.purpose not in TravelApplication.Purpose.values:
        raise DomainError(_("Purpose: choose one."), field="purpose")
    if data.funding not in TravelApplication.Funding.values:
        raise DomainError(_("Funding: choose one."), field="funding")
    if not data.countries.strip():
        raise DomainError(_("Countries: name at least one."), field="countries")
    if data.returns_on < data.departs_on:
        raise DomainError(_("Planned return: not before the departure."), field="returns_on")
    if data.departs_on < today:
        raise DomainError(_("Departure: apply before the trip."), field="departs_on")
    if data.classified_material and not data.classified_note.strip():
        raise DomainError(
            _("Classified material: list the titles (never the content)."), field="classified_note"
        )
    if any(r.person_id != person.pk for r in data.relatives):
        raise DomainError(_("Relatives visited: not your relatives."), field="relatives")
    if data.relatives and not data.relatives_commitment.strip():
        raise DomainError(
            _("Commitment: write the commitment about the relatives abroad you will visit."),
            field="relatives_commitment",
        )
    if data.funding in {TravelApplication.Funding.FOREIGN, TravelApplication.Funding.OTHER} and (
        not data.funding_note.strip()
    ):
        raise DomainError(_("Funding details: say who pays."), field="funding_note")


@transaction.atomic
def application_submit(*, actor: User, person: Person, data: ApplicationInput) -> TravelApplication:
    """The member's own application, or a paper one entered by a clerk of the dossier."""
    own = policy.person_for_member(actor) == person if actor.has_role(RoleCode.MEMBER) else False
    if not own and not policy.can_edit_person(actor, person):
        raise AccessDenied(_("You may not apply for this person."))
    _check(person, data, timezone.localdate())
    application = TravelApplication.objects.create(
        person=person,
        entered_by=actor,
        on_paper=not own,
        purpose=data.purpose,
        countries=" ".join(data.countries.split()),
        departs_on=data.departs_on,
        returns_on=data.returns_on,
        funding=data.funding,
        funding_note=data.funding_note.strip(),
        companions=data.companions.strip(),
        classified_material=data.classified_material,
        classified_note=data.classified_note.strip(),
        relatives_commitment=data.relatives_commitment.strip(),
        active_unit=data.active_unit,
        status=S.SUBMITTED,
        submitted_at=timezone.now(),
    )
    application.relatives_visited.set(data.relatives)
    for committee in committees_for(person, data.active_unit):
        TravelDecision.objects.create(application=application, committee=committee)
    _audit(
        actor,
        "travel.apply",
        application,
        person.org_unit,
        on_paper=not own,
        committees=[d.committee_id for d in application.decisions.all()],
    )
    return application


def _locked(application: TravelApplication) -> TravelApplication:
    return (
        TravelApplication.objects.select_for_update(of=("self",))
        .select_related("person__org_unit")
        .get(pk=application.pk)
    )


@transaction.atomic
def branch_opinion(
    *, actor: User, application: TravelApplication, opinion: str
) -> TravelApplication:
    locked = _locked(application)
    if not policy.can_review_travel(actor, locked):
        raise AccessDenied(_("Only the staff over the member's chi bộ record its opinion."))
    if locked.status != S.SUBMITTED:
        raise DomainError(_("The chi bộ's opinion comes once, before the decision."))
    if not opinion.strip():
        raise DomainError(_("Opinion: write the chi bộ's opinion."), field="opinion")
    locked.branch_opinion = opinion.strip()
    locked.branch_opinion_by = actor
    locked.status = S.AWAITING_DECISION
    locked.save(update_fields=["branch_opinion", "branch_opinion_by", "status"])
    _audit(actor, "travel.branch_opinion", locked, locked.person.org_unit)
    return locked


@transaction.atomic
def committee_decide(
    *,
    actor: User,
    application: TravelApplication,
    committee: OrgUnit,
    approve: bool,
    reason: str = "",
) -> TravelApplication:
    """One committee's decision; the application is approved when every routed committee has
    approved, refused as soon as one refuses. Classified material needs the approval too."""
    locked = _locked(application)
    decision = (
        TravelDecision.objects.select_for_update()
        .filter(application=locked, committee=committee)
        .first()
    )
    if decision is None:
        raise DomainError(_("Committee: this application is not routed to it."), field="committee")
    if not (actor.has_role(RoleCode.APPROVER) and policy.in_jurisdiction(actor, committee)):
        raise AccessDenied(_("Only an approver of that committee decides."))
    if locked.status != S.AWAITING_DECISION or decision.approved is not None:
        raise DomainError(_("This decision is not pending."))
    if not approve and not reason.strip():
        raise DomainError(_("Reason: say why the trip is refused."), field="reason")
    decision.approved = approve
    decision.reason = reason.strip()
    decision.decided_by = actor
    decision.decided_at = timezone.now()
    decision.save()
    if not approve:
        locked.status = S.REFUSED
    elif _all_approved(locked):
        locked.status = S.APPROVED
    locked.save(update_fields=["status"])
    _audit(actor, "travel.decide", locked, committee, approved=approve, committee=committee.pk)
    return locked


def _all_approved(application: TravelApplication) -> bool:
    """Every routed committee approved and, when classified material is carried, so was it."""
    waiting = application.decisions.filter(Q(approved__isnull=True) | Q(approved=False)).exists()
    return not waiting and (
        not application.classified_material or application.classified_approved is True
    )


@transaction.atomic
def classified_decide(
    *, actor: User, application: TravelApplication, approve: bool, reason: str = ""
) -> TravelApplication:
    """The separate approval of classified material to be carried abroad: an approver of the
    managing committee with at least the "Mật" clearance."""
    locked = _locked(application)
    committee = managing_committee(locked.person.org_unit)
    if not (
        actor.has_role(RoleCode.APPROVER)
        and policy.in_jurisdiction(actor, committee)
        and policy.has_clearance(actor, 1)
    ):
        raise AccessDenied(
            _("Only an approver of the managing committee with clearance decides on it.")
        )
    if not locked.classified_material or locked.classified_approved is not None:
        raise DomainError(_("There is no pending decision on classified material."))
    if locked.status != S.AWAITING_DECISION:
        raise DomainError(_("The chi bộ's opinion comes first."))
    if not approve and not reason.strip():
        raise DomainError(_("Reason: say why the material may not be carried."), field="reason")
    locked.classified_approved = approve
    locked.classified_reason = reason.strip()
    locked.classified_approved_by = actor
    if not approve:
        locked.status = S.REFUSED
    elif _all_approved(locked):
        locked.status = S.APPROVED
    locked.save(
        update_fields=[
            "classified_approved",
            "classified_reason",
            "classified_approved_by",
            "status",
        ]
    )
    _audit(actor, "travel.classified_decide", locked, committee, approved=approve)
    return locked


@transaction.atomic
def reentry_record(
    *, actor: User, application: TravelApplication, day: dt.date
) -> TravelApplication:
    """The day the member came back: the return report falls due N working days later."""
    locked = _locked(application)
    own = (
        policy.person_for_member(actor) == locked.person
        if actor.has_role(RoleCode.MEMBER)
        else False
    )
    if not (own or policy.can_review_travel(actor, locked)):
        raise AccessDenied(_("You may not record this return."))
    if locked.status != S.APPROVED:
        raise DomainError(_("Only an approved trip has a return."))
    if not locked.departs_on <= day <= timezone.localdate():
        raise DomainError(_("Re-entered on: between the departure and today."), field="day")
    limit = report_days(day)
    days = limit.working_days if limit else DEFAULT_REPORT_DAYS
    locked.reentered_on = day
    locked.report_due_on = add_working_days(day, days)
    locked.save(update_fields=["reentered_on", "report_due_on"])
    _audit(
        actor,
        "travel.reentry",
        locked,
        locked.person.org_unit,
        due_on=f"{locked.report_due_on:%Y-%m-%d}",
    )
    return locked


@transaction.atomic
def report_submit(*, actor: User, application: TravelApplication, content: str) -> ReturnReport:
    locked = _locked(application)
    own = (
        policy.person_for_member(actor) == locked.person
        if actor.has_role(RoleCode.MEMBER)
        else False
    )
    if not (own or policy.can_review_travel(actor, locked)):
        raise AccessDenied(_("You may not report for this trip."))
    if locked.reentered_on is None:
        raise DomainError(_("Record the day you came back first."), field="day")
    if hasattr(locked, "report"):
        raise DomainError(_("The return report was already submitted."))
    if not content.strip():
        raise DomainError(_("Report: write the results of the trip."), field="content")
    report = ReturnReport.objects.create(
        application=locked,
        content=content.strip(),
        submitted_by=actor,
        submitted_on=timezone.localdate(),
    )
    _audit(
        actor,
        "travel.report",
        locked,
        locked.person.org_unit,
        late=report.submitted_on > (locked.report_due_on or report.submitted_on),
    )
    return report


@transaction.atomic
def report_review(
    *, actor: User, report: ReturnReport, branch_comment: str = "", committee_opinion: str = ""
) -> ReturnReport:
    report = (
        ReturnReport.objects.select_for_update().select_related("application").get(pk=report.pk)
    )
    application = report.application
    if not policy.can_review_travel(actor, application):
        raise AccessDenied(_("Only the staff over the member's chi bộ review the report."))
    if committee_opinion.strip() and not actor.has_role(RoleCode.APPROVER):
        raise AccessDenied(_("Only an approver records the committee's opinion."))
    if branch_comment.strip():
        report.branch_comment = branch_comment.strip()
    if committee_opinion.strip():
        report.committee_opinion = committee_opinion.strip()
    report.save()
    _audit(actor, "travel.report_review", application, application.person.org_unit)
    return report


@transaction.atomic
def short_report_submit(
    *, actor: User, person: Person, kind: str, happened_on: dt.date, counterpart: str, content: str
) -> ShortReport:
    own = policy.person_for_member(actor) == person if actor.has_role(RoleCode.MEMBER) else False
    if not own and not policy.can_edit_person(actor, person):
        raise AccessDenied(_("You may not report for this person."))
    if kind not in ShortReport.Kind.values:
        raise DomainError(_("Kind: choose one."), field="kind")
    if happened_on > timezone.localdate():
        raise DomainError(_("Date: not in the future."), field="happened_on")
    if not counterpart.strip() or not content.strip():
        raise DomainError(
            _("Say who the foreign person or body is, and what it was about."), field="content"
        )
    now = timezone.now()
    report = ShortReport.objects.create(
        person=person,
        kind=kind,
        happened_on=happened_on,
        counterpart=counterpart.strip(),
        content=content.strip(),
        receipt=f"BN-{now:%Y%m%d}-{secrets.token_hex(3).upper()}",
        submitted_by=actor,
        submitted_at=now,
    )
    _audit(actor, "travel.short_report", report, person.org_unit, kind=kind, receipt=report.receipt)
    return report


def overdue_reports(
    *, rows: QuerySet[TravelApplication] | None = None, today: dt.date | None = None
) -> list[TravelApplication]:
    """Approved trips of `rows` (default: all) whose return report is past due: after re-entry,
    or — with no re-entry recorded — counted from the planned return. One calendar load."""
    day = today or timezone.localdate()
    base = TravelApplication.objects.all() if rows is None else rows
    waiting = list(
        base.filter(status=S.APPROVED, report__isnull=True)
        .filter(Q(report_due_on__lt=day) | Q(report_due_on__isnull=True, returns_on__lt=day))
        .select_related("person")
    )
    if not waiting:
        return []
    limit = report_days(day)
    days = limit.working_days if limit else DEFAULT_REPORT_DAYS
    calendar = load_calendar(min(a.returns_on for a in waiting), day)
    return [
        a
        for a in waiting
        if (a.report_due_on or calendar.add_working_days(a.returns_on, days)) < day
    ]


@transaction.atomic
def _remind(pk: int, day: dt.date) -> TravelApplication | None:
    application = TravelApplication.objects.select_for_update().get(pk=pk)
    if application.reminded_for_due_on == application.report_due_on:
        return None
    application.reminded_for_due_on = application.report_due_on
    application.save(update_fields=["reminded_for_due_on"])
    _audit(
        None,
        "travel.remind",
        application,
        application.person.org_unit,
        due_on=f"{application.report_due_on:%Y-%m-%d}",
        on=f"{day:%Y-%m-%d}",
    )
    return application


def remind_reports(*, today: dt.date | None = None) -> list[TravelApplication]:
    """`bvct tick`: mark the reminder N working days before a return report falls due (the
    member's home page shows it). Idempotent."""
    from bvct.workdays.calendar import working_days_between  # noqa: PLC0415

    day = today or timezone.localdate()
    limit = report_days(day)
    before = limit.reminder_days if limit else 2
    reminded = []
    waiting = TravelApplication.objects.filter(
        status=S.APPROVED, report__isnull=True, report_due_on__gte=day
    )
    for application in waiting:
        assert application.report_due_on is not None  # noqa: S101 (filtered)
        if working_days_between(day, application.report_due_on) <= before:
            done = _remind(application.pk, day)
            if done is not None:
                reminded.append(done)
    return reminded
