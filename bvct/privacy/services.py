"""Writes of bvct.privacy: large-export approval and the data-subject request register.

Each service checks the actor through `policy`, validates (a Vietnamese message naming the
field), writes in one transaction and records one audit event. Audit data hold references and
counts, never personal values.
"""

from __future__ import annotations

import datetime as dt
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.audit.services import audit_record
from bvct.core.errors import AccessDenied, DomainError
from bvct.intake import exports
from bvct.orgs.models import OrgUnit
from bvct.people.models import Person
from bvct.privacy import selectors
from bvct.privacy.models import ExportRequest, SubjectRequest, SubjectRequestKind
from bvct.workdays.calendar import add_working_days

S = SubjectRequest.Status
MIN_PURPOSE = 10


# --- large exports ------------------------------------------------------------------------------


def _filters_of(request: ExportRequest) -> exports.ExportFilters:
    return exports.ExportFilters(
        unit_code=str(request.filters.get("unit", "")), query=str(request.filters.get("query", ""))
    )


@transaction.atomic
def export_request_create(
    *, actor: User, filters: exports.ExportFilters, purpose: str
) -> ExportRequest:
    """Ask for an export above the threshold; the filters and the scope are frozen now."""
    if not policy.can_request_export(actor) or actor.org_unit is None:
        raise AccessDenied(_("You may not export the people list."))
    text = purpose.strip()
    if len(text) < MIN_PURPOSE:
        raise DomainError(
            _("Purpose: say what the export is for (at least %(n)d characters).")
            % {"n": MIN_PURPOSE},
            field="purpose",
        )
    count = exports.people_for_export(actor=actor, filters=filters).count()
    if count <= exports.approval_threshold():
        raise DomainError(
            _("This export has %(count)s people: no approval is needed, download it directly.")
            % {"count": count},
            field="export",
        )
    request = ExportRequest.objects.create(
        requested_by=actor,
        org_unit=actor.org_unit,
        clearance=actor.clearance,
        full_cccd=policy.can_export_full_cccd(actor),
        filters=filters.as_data(),
        count=count,
        purpose=text,
        requested_at=timezone.now(),
    )
    _audit(actor, "privacy.export.request", request, count=count, filters=request.filters)
    return request


def _locked_export(request: ExportRequest) -> ExportRequest:
    return (
        ExportRequest.objects.select_for_update(of=("self",))
        .select_related("org_unit", "requested_by")
        .get(pk=request.pk)
    )


@transaction.atomic
def export_request_decide(
    *, actor: User, request: ExportRequest, approve: bool, reason: str
) -> ExportRequest:
    """Approve or refuse, with the reason: an approver over the requester's node, not them."""
    locked = _locked_export(request)
    if not policy.can_decide_export(actor, locked):
        raise AccessDenied(
            _(
                "Only an approver of the requester's unit or a unit above it, other than the "
                "requester, may decide this export."
            )
        )
    if locked.status != ExportRequest.Status.PENDING:
        raise DomainError(_("This export request has already been decided."), field="status")
    text = reason.strip()
    if not text:
        raise DomainError(_("Reason: write why you approve or refuse."), field="reason")
    now = timezone.now()
    locked.status = ExportRequest.Status.APPROVED if approve else ExportRequest.Status.REFUSED
    locked.decided_by, locked.decided_at, locked.decision_reason = actor, now, text
    if approve:
        locked.expires_at = now + dt.timedelta(hours=int(settings.EXPORT_DOWNLOAD_HOURS))
    locked.save(
        update_fields=["status", "decided_by", "decided_at", "decision_reason", "expires_at"]
    )
    _audit(actor, f"privacy.export.{'approve' if approve else 'refuse'}", locked)
    return locked


@transaction.atomic
def export_request_cancel(*, actor: User, request: ExportRequest) -> ExportRequest:
    locked = _locked_export(request)
    if not policy.can_cancel_export(actor, locked):
        raise AccessDenied(_("Only the requester may withdraw an export request."))
    if locked.status != ExportRequest.Status.PENDING:
        raise DomainError(_("Only a request waiting for approval can be withdrawn."))
    locked.status = ExportRequest.Status.CANCELLED
    locked.save(update_fields=["status"])
    _audit(actor, "privacy.export.cancel", locked)
    return locked


@transaction.atomic
def export_request_download(*, actor: User, request: ExportRequest, out: IO[bytes]) -> int:
    """Write the approved export for its requester: the frozen filters, within the frozen scope
    and the requester's scope now, people recorded before the request. Returns the rows."""
    locked = _locked_export(request)
    if not policy.can_download_export(actor, locked):
        raise AccessDenied(_("Only the requester may download this export."))
    now = timezone.now()
    if locked.status != ExportRequest.Status.APPROVED:
        raise DomainError(_("This export has not been approved."), field="status")
    if locked.is_expired(now) or locked.downloads_left() == 0:
        raise DomainError(
            _(
                "This export can no longer be downloaded (time or number of downloads used up): "
                "ask again."
            ),
            field="status",
        )
    people = exports.people_for_export(actor=actor, filters=_filters_of(locked)).filter(
        OrgUnit.subtree_filter(locked.org_unit.path, prefix="org_unit__"),
        classification__lte=locked.clearance,
        created_at__lte=locked.requested_at,
    )
    full_cccd = locked.full_cccd and policy.can_export_full_cccd(actor)
    count = exports.write_people(people, full_cccd=full_cccd, out=out)
    locked.downloads += 1
    locked.last_downloaded_at = now
    locked.save(update_fields=["downloads", "last_downloaded_at"])
    _audit(
        actor,
        "privacy.export.download",
        locked,
        count=count,
        download=locked.downloads,
        cccd="full" if full_cccd else "masked",
    )
    return count


def _audit(actor: User, action: str, request: ExportRequest, **data: object) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=request,
        org_unit=request.org_unit,
        data={"request": request.pk, "status": request.status, **data},
    )


# --- data-subject requests ----------------------------------------------------------------------


def _due(start: dt.date, days: int, *, working: bool) -> dt.date:
    return add_working_days(start, days) if working else start + dt.timedelta(days=days)


def _create(
    *, actor: User, person: Person, kind_code: str, details: str, received_on: dt.date, channel: str
) -> SubjectRequest:
    kind = SubjectRequestKind.objects.filter(code=kind_code, is_active=True).first()
    if kind is None:
        raise DomainError(_("Kind: choose what is asked for."), field="kind")
    text = details.strip()
    if not text:
        raise DomainError(_("Details: write what the person asks for."), field="details")
    today = timezone.localdate()
    if received_on > today:
        raise DomainError(_("Received on: the date cannot be in the future."), field="received_on")
    limits = selectors.limits_in_force(received_on)
    missing = {"acknowledge", "complete", "extension"} - set(limits)
    if missing:
        raise DomainError(
            _(
                "No time limit for data-subject requests is in force on %(date)s: tell an "
                "administrator."
            )
            % {"date": f"{received_on:%d/%m/%Y}"},
            field="received_on",
        )
    ack, done = limits["acknowledge"], limits["complete"]
    request = SubjectRequest.objects.create(
        person=person,
        org_unit=person.org_unit,
        kind=kind,
        channel=channel,
        details=text,
        received_on=received_on,
        entered_by=actor,
        acknowledge_due_on=_due(received_on, ack.days, working=ack.working_days),
        due_on=_due(received_on, done.days, working=done.working_days),
        extension_days=limits["extension"].days,
        legal_basis=done.legal_basis,
    )
    _audit_subject(actor, "privacy.subject_request.receive", request, channel=channel)
    return request


@transaction.atomic
def subject_request_file(*, actor: User, kind_code: str, details: str) -> SubjectRequest:
    """A member files a request about their own record from the portal (received today)."""
    person = policy.person_for_member(actor) if actor.has_role("member") else None
    if person is None:
        raise AccessDenied(_("Your account is not linked to a party record."))
    return _create(
        actor=actor,
        person=person,
        kind_code=kind_code,
        details=details,
        received_on=timezone.localdate(),
        channel=SubjectRequest.Channel.PORTAL,
    )


@transaction.atomic
def subject_request_register(
    *, actor: User, person: Person, kind_code: str, details: str, received_on: dt.date
) -> SubjectRequest:
    """A clerk registers a request received on paper (the clocks run from its receipt)."""
    if not policy.can_register_subject_request(actor, person):
        raise AccessDenied(_("You may not register requests for this person."))
    return _create(
        actor=actor,
        person=person,
        kind_code=kind_code,
        details=details,
        received_on=received_on,
        channel=SubjectRequest.Channel.PAPER,
    )


def _locked_subject(request: SubjectRequest) -> SubjectRequest:
    return (
        SubjectRequest.objects.select_for_update(of=("self",))
        .select_related("person", "org_unit")
        .get(pk=request.pk)
    )


@transaction.atomic
def subject_request_acknowledge(*, actor: User, request: SubjectRequest) -> SubjectRequest:
    locked = _locked_subject(request)
    if not policy.can_work_subject_request(actor, locked):
        raise AccessDenied(_("You may not work on this request."))
    if locked.status != S.RECEIVED:
        raise DomainError(_("This request has already been acknowledged."), field="status")
    locked.status, locked.acknowledged_at, locked.acknowledged_by = (
        S.ACKNOWLEDGED,
        timezone.now(),
        actor,
    )
    locked.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    late = timezone.localdate() > locked.acknowledge_due_on
    _audit_subject(actor, "privacy.subject_request.acknowledge", locked, late=late)
    return locked


@transaction.atomic
def subject_request_extend(*, actor: User, request: SubjectRequest, reason: str) -> SubjectRequest:
    """The one extension: the completion date moves by `extension_days`, with the reason."""
    locked = _locked_subject(request)
    if not policy.can_extend_subject_request(actor, locked):
        raise AccessDenied(_("Only an approver may extend the time limit."))
    if locked.status != S.ACKNOWLEDGED:
        raise DomainError(
            _("Only an acknowledged request not yet extended can be extended (once)."),
            field="status",
        )
    text = reason.strip()
    if not text:
        raise DomainError(_("Reason: write why more time is needed."), field="reason")
    old_due = locked.due_on
    locked.status, locked.extended_at, locked.extended_by = S.EXTENDED, timezone.now(), actor
    locked.extension_reason = text
    locked.due_on = old_due + dt.timedelta(days=locked.extension_days)
    locked.save(
        update_fields=["status", "extended_at", "extended_by", "extension_reason", "due_on"]
    )
    _audit_subject(
        actor,
        "privacy.subject_request.extend",
        locked,
        old_due=f"{old_due:%Y-%m-%d}",
        new_due=f"{locked.due_on:%Y-%m-%d}",
    )
    return locked


@transaction.atomic
def subject_request_close(
    *, actor: User, request: SubjectRequest, complete: bool, outcome: str
) -> SubjectRequest:
    """Completed (what was done) or refused (the reason): officers and approvers."""
    locked = _locked_subject(request)
    if not policy.can_close_subject_request(actor, locked):
        raise AccessDenied(_("Only an officer or an approver may complete or refuse a request."))
    if locked.status not in (S.ACKNOWLEDGED, S.EXTENDED):
        raise DomainError(
            _("Acknowledge the request first; a closed request stays closed."), field="status"
        )
    text = outcome.strip()
    if not text:
        raise DomainError(
            _("Outcome: write what was done, or the reason for refusing."), field="outcome"
        )
    locked.status = S.COMPLETED if complete else S.REFUSED
    locked.closed_at, locked.closed_by, locked.outcome = timezone.now(), actor, text
    locked.save(update_fields=["status", "closed_at", "closed_by", "outcome"])
    late = timezone.localdate() > locked.due_on
    _audit_subject(actor, f"privacy.subject_request.{locked.status}", locked, late=late)
    return locked


def _audit_subject(actor: User, action: str, request: SubjectRequest, **data: object) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=request,
        org_unit=request.org_unit,
        data={"request": request.pk, "kind": request.kind_id, "status": request.status, **data},
    )


def subject_request_view(*, actor: User, request: SubjectRequest) -> None:
    """A staff read of a request (it describes what a person asks about their data): audited."""
    with transaction.atomic():
        _audit_subject(actor, "privacy.subject_request.view", request)
