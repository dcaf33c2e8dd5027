"""Verification requests: every write is one function here — lock, check `policy` and the rules,
write, audit. Letters and certification letters are numbered ("Số 07-CV/ĐU") and kept with the
case as DOCX; they are never shown to the subject."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.audit.services import audit_record
from bvct.core.errors import AccessDenied, DomainError
from bvct.orgs.models import OrgUnit
from bvct.people.identity import ReplyIdentifiers
from bvct.people.models import RecordedIssue, Relative
from bvct.people.services.issues import issue_create, issue_set_status
from bvct.verification import letters, scope, tracking
from bvct.verification.models import (
    AddresseeKind,
    CoverageReuse,
    CoveredPerson,
    ExternalBody,
    ReplyOutcome,
    VerificationRequest,
)
from bvct.vetting import documents, numbering, storage
from bvct.vetting.locks import case_qs_for_update
from bvct.vetting.models import Case, CaseDocument
from bvct.workdays.calendar import add_working_days

S = VerificationRequest.Status
DOC_LETTER = "CV"  # công văn
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NEEDS_TEXT = {
    ReplyOutcome.CERTIFIED_WITH_NOTES,
    ReplyOutcome.ISSUE_FOUND,
    ReplyOutcome.CANNOT_VERIFY,
    ReplyOutcome.REFUSED,
}


@dataclass(frozen=True)
class RequestInput:
    legal_basis: str
    purpose: str
    questions: str
    addressee_unit: OrgUnit | None = None
    addressee_body: ExternalBody | None = None
    include_subject: bool = True
    relatives: list[Relative] = field(default_factory=list)
    classification: int = 0
    reason: str = ""  # why relatives the rules do not name are covered
    sent_on: dt.date | None = None  # a letter already sent on paper


def _case_for_work(actor: User, case: Case) -> Case:
    locked = case_qs_for_update().select_related("holding_unit", "person").get(pk=case.pk)
    if not policy.can_work_case(actor, locked):
        raise AccessDenied(_("You may not work on this case."))
    if not locked.is_open:
        raise DomainError(_("This case is closed."))
    return locked


def _locked(request: VerificationRequest) -> VerificationRequest:
    return (
        VerificationRequest.objects.select_for_update(of=("self",))
        .select_related("case__person", "requesting_unit", "addressee_unit", "addressee_body")
        .get(pk=request.pk)
    )


def _names(relatives: list[Relative]) -> str:
    return ", ".join(r.full_name for r in relatives)


def _check_input(actor: User, case: Case, data: RequestInput) -> dt.date:
    if (data.addressee_unit is None) == (data.addressee_body is None):
        raise DomainError(
            _("Addressee: choose one party organisation or one body."), field="addressee"
        )
    if data.addressee_unit is not None and data.addressee_unit.pk == case.holding_unit_id:
        raise DomainError(
            _("Addressee: the unit holding the file cannot ask itself."), field="addressee"
        )
    if data.addressee_body is not None and not data.addressee_body.is_active:
        raise DomainError(_("Addressee: this body is no longer in use."), field="addressee")
    if not data.include_subject and not data.relatives:
        raise DomainError(
            _("Persons covered: choose the subject or at least one relative."), field="covers"
        )
    if any(r.person_id != case.person_id for r in data.relatives):
        raise DomainError(_("Persons covered: not a relative of the subject."), field="covers")
    for text, name, label in (
        (data.legal_basis, "legal_basis", _("Legal basis")),
        (data.purpose, "purpose", _("Purpose")),
        (data.questions, "questions", _("Questions")),
    ):
        if not text.strip():
            raise DomainError(_("%(field)s: required.") % {"field": label}, field=name)
    if not 0 <= data.classification <= actor.clearance:
        raise DomainError(_("Classification: at most your clearance."), field="classification")
    today = timezone.localdate()
    sent_on = data.sent_on or today
    if sent_on > today or sent_on < timezone.localtime(case.opened_at).date():
        raise DomainError(
            _("Sent on: between the day the case was opened and today."), field="sent_on"
        )
    return sent_on


@transaction.atomic
def request_create(*, actor: User, case: Case, data: RequestInput) -> VerificationRequest:
    """Register an outgoing request. Relatives the rules do not name need a written reason and
    wait for an approver's consent; otherwise the letter is numbered and sent at once."""
    locked = _case_for_work(actor, case)
    sent_on = _check_input(actor, locked, data)
    outside = [r for r in data.relatives if not scope.verdict(locked, r, sent_on).in_scope]
    if outside and not data.reason.strip():
        raise DomainError(
            _(
                "Reason: %(names)s are not named by the rules for this case; write why they "
                "must be covered (an approver must consent)."
            )
            % {"names": _names(outside)},
            field="reason",
        )
    kind = AddresseeKind.PARTY if data.addressee_unit is not None else data.addressee_body.kind  # type: ignore[union-attr]
    request = VerificationRequest.objects.create(
        case=locked,
        requesting_unit=locked.holding_unit,
        addressee_kind=kind,
        addressee_unit=data.addressee_unit,
        addressee_body=data.addressee_body,
        legal_basis=data.legal_basis.strip(),
        purpose=data.purpose.strip(),
        questions=data.questions.strip(),
        classification=data.classification,
        status=S.AWAITING_CONSENT if outside else S.SENT,
        created_by=actor,
        created_at=timezone.now(),
        consent_reason=data.reason.strip() if outside else "",
        sent_on=sent_on,
    )
    if data.include_subject:
        CoveredPerson.objects.create(request=request, relative=None)
    for relative in data.relatives:
        CoveredPerson.objects.create(
            request=request, relative=relative, in_scope=relative not in outside
        )
    audit_record(
        actor=actor,
        action="verification.request.create",
        target=request,
        org_unit=locked.holding_unit,
        data={
            "case": locked.pk,
            "addressee_unit": data.addressee_unit.pk if data.addressee_unit else None,
            "addressee_body": data.addressee_body.pk if data.addressee_body else None,
            "subject": data.include_subject,
            "relatives": [r.pk for r in data.relatives],
            "outside_rules": [r.pk for r in outside],
            "classification": data.classification,
        },
    )
    if not outside:
        _send(request, actor, sent_on)
    return request


def _send(request: VerificationRequest, actor: User, day: dt.date) -> None:
    limit = tracking.reply_limit_for(request.addressee_kind, day)
    unit = request.requesting_unit
    number, _term = numbering.next_number(issuing_unit=unit, doc_type=DOC_LETTER, day=day)
    request.reference = numbering.reference(number, DOC_LETTER, unit)
    request.sent_on = day
    request.due_on = add_working_days(day, limit.working_days)
    request.status = S.SENT
    covers = [c.relative for c in request.covers.select_related("relative").order_by("pk")]
    data = letters.request_letter(request, covers)
    request.letter = storage.store_file(
        case=request.case,
        actor=actor,
        kind=CaseDocument.Kind.LETTER,
        title=f"Đề nghị xác minh {request.reference} gửi {request.addressee_name}",
        original_name=f"{request.reference.removeprefix('Số ').replace('/', '-')}.docx",
        content_type=DOCX,
        data=data,
        classification=request.classification,
    )
    request.save()
    audit_record(
        actor=actor,
        action="verification.request.send",
        target=request,
        org_unit=unit,
        data={
            "reference": request.reference,
            "sent_on": f"{day:%Y-%m-%d}",
            "due_on": f"{request.due_on:%Y-%m-%d}",
            "limit": limit.pk,
        },
    )


@transaction.atomic
def request_consent(
    *, actor: User, request: VerificationRequest, approve: bool, note: str = ""
) -> VerificationRequest:
    locked = _locked(request)
    if not policy.can_consent_request(actor, locked):
        raise AccessDenied(_("Only an approver of the requesting side may consent."))
    if locked.status != S.AWAITING_CONSENT:
        raise DomainError(_("This request is not waiting for consent."))
    if not approve and not note.strip():
        raise DomainError(_("Reason: say why consent is refused."), field="note")
    locked.consent_by = actor
    locked.consent_at = timezone.now()
    if approve:
        _send(locked, actor, timezone.localdate())
    else:
        locked.status = S.WITHDRAWN
        locked.withdrawn_reason = _("Consent refused: %(note)s") % {"note": note.strip()}
        locked.save()
    audit_record(
        actor=actor,
        action="verification.request.consent",
        target=locked,
        org_unit=locked.requesting_unit,
        data={"approved": approve, "note": note.strip()},
    )
    return locked


@transaction.atomic
def request_withdraw(
    *, actor: User, request: VerificationRequest, reason: str
) -> VerificationRequest:
    locked = _locked(request)
    if not policy.can_request_for(actor, locked):
        raise AccessDenied(_("You may not withdraw this request."))
    if locked.status not in {S.AWAITING_CONSENT, S.SENT, S.RECEIVED}:
        raise DomainError(_("Only a pending request can be withdrawn."))
    if not reason.strip():
        raise DomainError(_("Reason: say why the request is withdrawn."), field="reason")
    old = locked.status
    locked.status = S.WITHDRAWN
    locked.withdrawn_reason = reason.strip()
    locked.save(update_fields=["status", "withdrawn_reason"])
    audit_record(
        actor=actor,
        action="verification.request.withdraw",
        target=locked,
        org_unit=locked.requesting_unit,
        data={"old": {"status": old}, "reason": reason.strip()},
    )
    return locked


@transaction.atomic
def request_receive(*, actor: User, request: VerificationRequest) -> VerificationRequest:
    """The addressee acknowledges receipt (its inbox)."""
    locked = _locked(request)
    if not policy.can_answer_request(actor, locked):
        raise AccessDenied(_("Only the addressee may acknowledge this request."))
    if locked.status != S.SENT:
        raise DomainError(_("This request was already received or is closed."))
    locked.status = S.RECEIVED
    locked.received_on = timezone.localdate()
    locked.save(update_fields=["status", "received_on"])
    audit_record(
        actor=actor,
        action="verification.request.receive",
        target=locked,
        org_unit=locked.addressee_unit,
    )
    return locked


@transaction.atomic
def request_assign(
    *, actor: User, request: VerificationRequest, assignee: User
) -> VerificationRequest:
    locked = _locked(request)
    if not policy.can_answer_request(actor, locked):
        raise AccessDenied(_("Only the addressee may assign this request."))
    if not policy.can_answer_request(assignee, locked):
        raise DomainError(_("Assignee: this person may not answer the request."), field="assignee")
    if not locked.is_pending:
        raise DomainError(_("This request is closed."))
    old = locked.assignee_id
    locked.assignee = assignee
    locked.save(update_fields=["assignee"])
    audit_record(
        actor=actor,
        action="verification.request.assign",
        target=locked,
        org_unit=locked.addressee_unit,
        data={"old": {"assignee": old}, "new": {"assignee": assignee.pk}},
    )
    return locked


@dataclass(frozen=True)
class ReplyInput:
    outcome: str
    text: str = ""
    reference: str = ""  # the external reply's number and date
    replied_on: dt.date | None = None
    file_name: str = ""
    file_data: bytes = b""


def _check_reply(locked: VerificationRequest, data: ReplyInput, today: dt.date) -> dt.date:
    if not locked.is_pending:
        raise DomainError(_("This request is not waiting for an answer."))
    if data.outcome not in ReplyOutcome.values:
        raise DomainError(_("Reply: choose the outcome."), field="outcome")
    if data.outcome in NEEDS_TEXT and not data.text.strip():
        raise DomainError(
            _("Content: write the notes, the issue found or the reason (“%(outcome)s”).")
            % {"outcome": ReplyOutcome(data.outcome).label},
            field="text",
        )
    day = data.replied_on or today
    if locked.sent_on is not None and not locked.sent_on <= day <= today:
        raise DomainError(
            _("Answered on: between the day the letter was sent (%(date)s) and today.")
            % {"date": f"{locked.sent_on:%d/%m/%Y}"},
            field="replied_on",
        )
    return day


@transaction.atomic
def reply_record(
    *, actor: User, request: VerificationRequest, data: ReplyInput
) -> VerificationRequest:
    """Record the answer. A party addressee answers in its inbox and the system writes its
    numbered certification letter; the reply of an external body is recorded by the requesting
    side with the reply's number and date and, if given, its scanned document."""
    locked = _locked(request)
    today = timezone.localdate()
    external = locked.addressee_unit is None
    allowed = (
        policy.can_request_for(actor, locked)
        if external
        else policy.can_answer_request(actor, locked)
    )
    if not allowed:
        raise AccessDenied(_("You may not record the answer to this request."))
    day = _check_reply(locked, data, today)
    if external and not data.reference.strip():
        raise DomainError(
            _("Reply number and date: copy them from the reply letter."), field="reference"
        )
    locked.reply_outcome = data.outcome
    locked.reply_text = data.text.strip()
    locked.replied_on = day
    locked.replied_by = actor
    locked.status = S.ANSWERED
    if external:
        locked.reply_reference = data.reference.strip()
        if data.file_data:
            clean, content_type = documents.validate_upload(data.file_name, data.file_data)
            locked.reply_document = storage.store_file(
                case=locked.case,
                actor=actor,
                kind=CaseDocument.Kind.REPLY,
                title=f"Trả lời {locked.reply_reference} của {locked.addressee_name}",
                original_name=clean,
                content_type=content_type,
                data=data.file_data,
                classification=locked.classification,
            )
    else:
        unit = locked.addressee_unit
        assert unit is not None  # noqa: S101 (not external)
        number, _term = numbering.next_number(issuing_unit=unit, doc_type=DOC_LETTER, day=day)
        reference = numbering.reference(number, DOC_LETTER, unit)
        locked.reply_reference = f"{reference} ngày {day:%d/%m/%Y}"
        signer = actor.full_name or actor.get_username()
        letter = letters.certification_letter(locked, reference=reference, signer=signer)
        locked.reply_document = storage.store_file(
            case=locked.case,
            actor=actor,
            kind=CaseDocument.Kind.REPLY,
            title=f"Trả lời {reference} của {unit.name}",
            original_name=f"{reference.removeprefix('Số ').replace('/', '-')}.docx",
            content_type=DOCX,
            data=letter,
            classification=locked.classification,
        )
    locked.save()
    audit_record(
        actor=actor,
        action="verification.request.reply",
        target=locked,
        org_unit=locked.addressee_unit or locked.requesting_unit,
        data={
            "outcome": data.outcome,
            "replied_on": f"{day:%Y-%m-%d}",
            "reference": locked.reply_reference,
            "document": locked.reply_document_id,
        },
    )
    return locked


@transaction.atomic
def reply_to_issue(
    *,
    actor: User,
    request: VerificationRequest,
    cover: CoveredPerson,
    family: str,
    summary: str,
    identifiers: ReplyIdentifiers,
    classification: int = 1,
) -> RecordedIssue:
    """One step from an "issue found" reply to a recorded issue on the person (or the relative
    it concerns), under verification. The three-identifier rule of the registry applies."""
    locked = _locked(request)
    if not policy.can_request_for(actor, locked):
        raise AccessDenied(_("You may not record issues from this request."))
    if locked.reply_outcome != ReplyOutcome.ISSUE_FOUND:
        raise DomainError(_("Only a reply that found an issue becomes a recorded issue."))
    cover = CoveredPerson.objects.select_for_update().get(pk=cover.pk, request=locked)
    if cover.issue_id is not None:
        raise DomainError(_("This reply was already recorded as an issue for this person."))
    issue = issue_create(
        actor=actor,
        person=locked.case.person,
        relative=cover.relative,
        family=family,
        source=RecordedIssue.Source.VERIFICATION_REPLY,
        summary=summary or locked.reply_text,
        classification=classification,
        reply_identifiers=identifiers,
    )
    issue = issue_set_status(
        actor=actor, issue=issue, status=RecordedIssue.Status.UNDER_VERIFICATION
    )
    cover.issue = issue
    cover.save(update_fields=["issue"])
    audit_record(
        actor=actor,
        action="verification.reply.issue",
        target=locked,
        org_unit=locked.requesting_unit,
        data={"issue": issue.pk, "relative": cover.relative_id},
    )
    return issue


@transaction.atomic
def coverage_reuse(
    *,
    actor: User,
    case: Case,
    relative: Relative | None,
    source: VerificationRequest | None,
    note: str = "",
) -> CoverageReuse:
    """Cover a person without a new letter: reuse a valid earlier reply (`source`), or — with no
    source — check a fully declared party-member relative against their own record."""
    locked = _case_for_work(actor, case)
    if relative is not None and relative.person_id != locked.person_id:
        raise DomainError(_("Persons covered: not a relative of the subject."), field="relative")
    if source is not None:
        offers = tracking.reuse_offers(actor=actor, case=locked, relatives=[relative])
        offered = offers.get(relative.pk if relative else None, [])
        if source.pk not in {r.pk for r in offered}:
            raise DomainError(
                _("Earlier reply: not a valid reply about this person (too old or not certified)."),
                field="source",
            )
        kind = CoverageReuse.Kind.EARLIER_REPLY
    else:
        if relative is None or not scope.own_record_available(relative):
            raise DomainError(
                _("Own record: only for a party-member relative with a submitted lý lịch."),
                field="relative",
            )
        kind = CoverageReuse.Kind.OWN_RECORD
    reuse = CoverageReuse.objects.create(
        case=locked,
        relative=relative,
        kind=kind,
        source_request=source,
        note=note.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="verification.reuse",
        target=locked,
        org_unit=locked.holding_unit,
        data={
            "kind": kind,
            "relative": relative.pk if relative else None,
            "source": source.pk if source else None,
        },
    )
    return reuse


@transaction.atomic
def body_register(
    *, actor: User, name: str, kind: str, address: str = "", province_code: str = ""
) -> ExternalBody:
    if not policy.can_register_bodies(actor):
        raise AccessDenied(_("Only officers and approvers register bodies."))
    clean = " ".join(name.split())
    if not clean:
        raise DomainError(_("Name: required."), field="name")
    if kind not in AddresseeKind.values or kind == AddresseeKind.PARTY:
        raise DomainError(_("Kind: choose police, military, state agency or other."), field="kind")
    if ExternalBody.objects.filter(name__iexact=clean).exists():
        raise DomainError(_("Name: this body is already registered."), field="name")
    body = ExternalBody.objects.create(
        name=clean,
        kind=kind,
        address=address.strip(),
        province_code=province_code.strip(),
        registered_by=actor,
        registered_at=timezone.now(),
    )
    audit_record(actor=actor, action="verification.body.register", target=body)
    return body
