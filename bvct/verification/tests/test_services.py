"""Verification requests: the scope guard, due dates in working days, reminders and escalation,
the addressee's reply and certification letter, an issue found becoming a recorded issue, and
reuse of valid replies."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from docx import Document

from bvct.access import policy
from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.audit.models import AuditEvent
from bvct.core.errors import AccessDenied, DomainError
from bvct.declarations.models import Declaration
from bvct.declarations.tests.factories import make_declaration
from bvct.people.identity import ReplyIdentifiers
from bvct.people.models import DatePrecision, Person, RecordedIssue, Relative
from bvct.people.tests.factories import make_person, make_relative
from bvct.verification import scope, services, tracking
from bvct.verification.models import CoverageReuse, ReplyOutcome, VerificationRequest
from bvct.verification.tests.conftest import Actors
from bvct.verification.tests.factories import make_body, send_request
from bvct.vetting import storage
from bvct.vetting.models import Case, CaseType, Purpose, Status
from bvct.vetting.tests.factories import make_case
from bvct.workdays.calendar import add_working_days, load_calendar
from conftest import Tree

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
D = dt.date
R = Relative.Relationship
S = VerificationRequest.Status


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=HANOI))


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.parametrize(
    ("relationship", "birth", "named"),
    [
        (R.FATHER, {"birth_year": 1960}, True),
        (R.MOTHER, {}, True),
        (R.PARENT_IN_LAW, {}, True),
        (R.CARER, {}, True),
        (R.SPOUSE, {}, True),
        (R.CHILD, {"birth_date": D(2008, 12, 3), "birth_precision": DatePrecision.DAY}, True),
        (R.CHILD, {"birth_date": D(2008, 12, 4), "birth_precision": DatePrecision.DAY}, False),
        # only the month is known: adult only once the last day of that month is 18 years ago
        (R.CHILD, {"birth_date": D(2008, 11, 1), "birth_precision": DatePrecision.MONTH}, True),
        (R.CHILD, {"birth_date": D(2008, 12, 1), "birth_precision": DatePrecision.MONTH}, False),
        (R.CHILD, {"birth_year": 2007}, True),
        (R.CHILD, {"birth_year": 2008}, False),
        (R.CHILD, {}, False),
        (R.SIBLING, {"birth_year": 1990}, False),
        (R.OTHER, {"birth_year": 1950}, False),
    ],
)
def test_scope_guard_names_exactly_the_relatives_of_the_rules(
    actors: Actors, relationship: str, birth: dict[str, Any], *, named: bool
) -> None:
    relative = make_relative(person=actors.subject, relationship=relationship)
    relative.birth_year = birth.get("birth_year")
    relative.birth_date = birth.get("birth_date")
    relative.birth_precision = birth.get("birth_precision", DatePrecision.DAY)
    admission = make_case(person=actors.subject)
    assert scope.verdict(admission, relative, D(2026, 12, 3)).in_scope is named
    # an appraisal names no list: everyone may be covered
    appraisal = make_case(
        person=actors.subject, case_type=CaseType.APPRAISAL, purpose=Purpose.KEY_POST
    )
    assert scope.verdict(appraisal, relative, D(2026, 12, 3)).in_scope is True


def test_relatives_outside_the_rules_need_a_reason_and_an_approver(
    tree: Tree, actors: Actors
) -> None:
    case = make_case(person=actors.subject, status=Status.VERIFYING)
    father = make_relative(person=actors.subject, relationship=R.FATHER)
    brother = make_relative(person=actors.subject, relationship=R.SIBLING, full_name="Lê Văn Em")
    # when a sibling is covered without a reason, nothing is saved and the message names him
    with pytest.raises(DomainError, match="Lê Văn Em") as raised:
        send_request(
            actor=actors.officer,
            case=case,
            relatives=[father, brother],
            addressee_unit=tree.commune_b1,
        )
    assert raised.value.field == "reason"
    assert not VerificationRequest.objects.exists()
    # with a reason the request waits for consent, with no number and no letter yet
    request = send_request(
        actor=actors.officer,
        case=case,
        relatives=[father, brother],
        addressee_unit=tree.commune_b1,
        reason="Anh trai từng công tác tại nơi có vấn đề cần làm rõ.",
    )
    assert (request.status, request.reference, request.letter) == (S.AWAITING_CONSENT, "", None)
    assert [c.in_scope for c in request.covers.order_by("pk")] == [True, True, False]
    # an officer may not consent; the approver does, and the letter goes out
    with pytest.raises(AccessDenied):
        services.request_consent(actor=actors.officer, request=request, approve=True)
    sent = services.request_consent(actor=actors.approver, request=request, approve=True)
    assert sent.status == S.SENT
    assert sent.reference.startswith("Số 01-CV/")
    assert sent.consent_by == actors.approver
    text = _docx_text(storage.read_file(sent.letter))  # type: ignore[arg-type]
    assert "Lê Văn Em" in text
    assert "Mẫu 20-KNĐ" in text


def test_due_date_counts_working_days_across_tet(tree: Tree, actors: Actors) -> None:
    with at(D(2026, 2, 13)):
        case = make_case(person=actors.subject, status=Status.VERIFYING)
        request = send_request(actor=actors.officer, case=case, addressee_unit=tree.commune_b1)
    limit = tracking.reply_limit_for("party", D(2026, 2, 13))
    assert request.due_on == add_working_days(D(2026, 2, 13), limit.working_days)
    # three weeks of working days, plus the Tết break (at least five working days off)
    assert limit.working_days == 15
    assert request.due_on >= D(2026, 2, 13) + dt.timedelta(days=21 + 5)


def test_reminder_before_and_escalation_after_the_due_date(tree: Tree, actors: Actors) -> None:
    police = make_body(registered_by=actors.officer)
    with at(D(2026, 10, 1)):
        case = make_case(person=actors.subject, status=Status.VERIFYING)
        to_party = send_request(actor=actors.officer, case=case, addressee_unit=tree.commune_b1)
        to_police = send_request(actor=actors.officer, case=case, addressee_body=police)
    due = to_party.due_on
    assert due is not None
    reminder = tracking.reply_limit_for("party", D(2026, 10, 1)).reminder_days
    day_before_reminder = _working_day_before(due, reminder + 1)
    assert tracking.remind_and_escalate(today=day_before_reminder).reminded == []
    result = tracking.remind_and_escalate(today=_working_day_before(due, reminder))
    assert to_party in result.reminded
    # idempotent, and nothing escalates on the due date itself
    again = tracking.remind_and_escalate(today=due)
    assert (again.reminded, again.escalated) == ([], [])
    after = tracking.remind_and_escalate(today=due + dt.timedelta(days=1))
    assert to_party in after.escalated
    to_party.refresh_from_db()
    # a late party addressee goes to its superior; a late external body to the requester's
    assert to_party.escalated_to == tree.prov_b
    assert to_police.due_on is not None
    late_police = tracking.remind_and_escalate(today=to_police.due_on + dt.timedelta(days=1))
    assert to_police in late_police.escalated
    to_police.refresh_from_db()
    assert to_police.escalated_to == tree.commune_a1  # the superior of the grassroots holder
    assert tracking.remind_and_escalate(today=D(2027, 6, 1)).escalated == []
    assert AuditEvent.objects.filter(action="verification.request.escalate").count() == 2


def _working_day_before(due: dt.date, n: int) -> dt.date:
    """The day from which exactly `n` working days remain until `due`."""
    day = due
    while load_calendar(day, due).working_days_between(day, due) < n:
        day -= dt.timedelta(days=1)
    return day


def test_the_addressee_receives_and_answers_with_a_certification_letter(
    tree: Tree, actors: Actors
) -> None:
    case = make_case(person=actors.subject, status=Status.VERIFYING)
    request = send_request(actor=actors.officer, case=case, addressee_unit=tree.commune_b1)
    answerer = actors.outsider  # a case worker of commune B1, the addressee
    sibling_officer = make_user(org_unit=tree.commune_a2, roles=(RoleCode.OFFICER,), clearance=3)
    # then both sides see it, a third unit does not
    assert request in policy.verification_requests_visible_to(answerer)
    assert request in policy.verification_requests_visible_to(actors.officer)
    assert request not in policy.verification_requests_visible_to(sibling_officer)
    # the requester may not answer its own letter; the addressee acknowledges and answers
    with pytest.raises(AccessDenied):
        services.request_receive(actor=actors.officer, request=request)
    services.request_receive(actor=answerer, request=request)
    with pytest.raises(DomainError) as raised:
        services.reply_record(
            actor=answerer,
            request=request,
            data=services.ReplyInput(outcome=ReplyOutcome.CERTIFIED_WITH_NOTES),
        )
    assert raised.value.field == "text"
    answered = services.reply_record(
        actor=answerer,
        request=request,
        data=services.ReplyInput(outcome=ReplyOutcome.CERTIFIED, text="Không có vấn đề."),
    )
    assert answered.status == S.ANSWERED
    text = _docx_text(storage.read_file(answered.reply_document))  # type: ignore[arg-type]
    assert request.reference in text
    assert "Xác nhận đúng như nội dung đã kê khai." in text
    assert answered.reply_reference.startswith("Số 01-CV/")
    # a second answer is refused
    with pytest.raises(DomainError):
        services.reply_record(
            actor=answerer, request=request, data=services.ReplyInput(outcome="certified")
        )


def test_an_issue_found_becomes_a_recorded_issue_in_one_step(tree: Tree, actors: Actors) -> None:
    person: Person = actors.subject
    person.cccd = "001090000123"
    person.hometown_province_code = "01"
    person.save()
    case = make_case(person=person, status=Status.VERIFYING)
    police = make_body(registered_by=actors.officer)
    request = send_request(actor=actors.officer, case=case, addressee_body=police)
    services.reply_record(
        actor=actors.officer,
        request=request,
        data=services.ReplyInput(
            outcome=ReplyOutcome.ISSUE_FOUND,
            text="Có tiền án năm 2015.",
            reference="Số 123/PA03 ngày 01/12/2026",
            file_name="tra-loi.pdf",
            file_data=b"%PDF-1.4 reply",
        ),
    )
    cover = request.covers.get()
    identifiers = ReplyIdentifiers(
        full_name=person.full_name,
        birth_date=person.birth_date,
        cccd="001090000123",
        hometown_province_code="01",
    )
    # a reply that does not identify the person is refused, nothing saved
    with pytest.raises(DomainError):
        services.reply_to_issue(
            actor=actors.officer,
            request=request,
            cover=cover,
            family=RecordedIssue.Family.CURRENT_POLITICAL,
            summary="",
            identifiers=ReplyIdentifiers(full_name="Người Khác"),
        )
    assert not RecordedIssue.objects.filter(person=person).exists()
    issue = services.reply_to_issue(
        actor=actors.officer,
        request=request,
        cover=cover,
        family=RecordedIssue.Family.CURRENT_POLITICAL,
        summary="",
        identifiers=identifiers,
    )
    assert (issue.status, issue.source, issue.summary) == (
        RecordedIssue.Status.UNDER_VERIFICATION,
        RecordedIssue.Source.VERIFICATION_REPLY,
        "Có tiền án năm 2015.",
    )
    with pytest.raises(DomainError):
        services.reply_to_issue(
            actor=actors.officer,
            request=request,
            cover=cover,
            family=RecordedIssue.Family.CURRENT_POLITICAL,
            summary="",
            identifiers=identifiers,
        )


def _answered_about_father(tree: Tree, actors: Actors, day: dt.date) -> tuple[Relative, Case]:
    with at(day):
        old_case = make_case(person=actors.subject, status=Status.VERIFYING)
        father = make_relative(person=actors.subject, relationship=R.FATHER)
        request = send_request(
            actor=actors.officer,
            case=old_case,
            addressee_unit=tree.commune_b1,
            relatives=[father],
            include_subject=False,
        )
        services.reply_record(
            actor=actors.outsider, request=request, data=services.ReplyInput(outcome="certified")
        )
    Case.objects.filter(pk=old_case.pk).update(status=Status.REFUSED, closed_at=old_case.opened_at)
    return father, make_case(person=actors.subject, status=Status.VERIFYING)


def test_reuse_is_offered_only_within_validity(tree: Tree, actors: Actors) -> None:
    father, new_case = _answered_about_father(tree, actors, D(2025, 12, 1))
    months = tracking.reply_limit_for("party", D(2026, 1, 1)).reuse_months
    assert months == 12
    inside = tracking.reuse_offers(
        actor=actors.officer, case=new_case, relatives=[father], today=D(2026, 11, 30)
    )
    assert len(inside[father.pk]) == 1
    outside = tracking.reuse_offers(
        actor=actors.officer, case=new_case, relatives=[father], today=D(2026, 12, 2)
    )
    assert outside[father.pk] == []
    # an officer of another province never gets the offer (the reply is outside their reach)
    stranger = make_user(org_unit=tree.commune_a2, roles=(RoleCode.OFFICER,), clearance=3)
    hidden = tracking.reuse_offers(
        actor=stranger, case=new_case, relatives=[father], today=D(2026, 11, 30)
    )
    assert hidden[father.pk] == []


def test_recording_a_reuse_checks_the_offer(tree: Tree, actors: Actors) -> None:
    father, new_case = _answered_about_father(tree, actors, D(2026, 6, 1))
    source = tracking.reuse_offers(actor=actors.officer, case=new_case, relatives=[father])[
        father.pk
    ][0]
    reuse = services.coverage_reuse(
        actor=actors.officer, case=new_case, relative=father, source=source
    )
    assert reuse.kind == CoverageReuse.Kind.EARLIER_REPLY
    mother = make_relative(person=actors.subject, relationship=R.MOTHER, full_name="Trần Thị Mẹ")
    with pytest.raises(DomainError) as raised:
        services.coverage_reuse(actor=actors.officer, case=new_case, relative=mother, source=source)
    assert raised.value.field == "source"


def test_a_party_member_relative_can_be_checked_against_their_own_record(
    tree: Tree, actors: Actors
) -> None:
    case = make_case(person=actors.subject, status=Status.VERIFYING)
    member_father = make_person(org_unit=tree.grassroots_a1, admission_date=D(1990, 5, 19))
    father = make_relative(person=actors.subject, linked_person=member_father)
    assert scope.own_record_available(father) is False  # no submitted lý lịch yet
    clerk = make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))
    make_declaration(person=member_father, entered_by=clerk, status=Declaration.Status.SUBMITTED)
    assert scope.own_record_available(father) is True
    reuse = services.coverage_reuse(actor=actors.officer, case=case, relative=father, source=None)
    assert reuse.kind == CoverageReuse.Kind.OWN_RECORD
    stranger = make_relative(person=actors.subject, relationship=R.MOTHER)
    with pytest.raises(DomainError):
        services.coverage_reuse(actor=actors.officer, case=case, relative=stranger, source=None)


def test_external_bodies_registry(actors: Actors) -> None:
    body = services.body_register(actor=actors.officer, name="  Công an  tỉnh A ", kind="police")
    assert body.name == "Công an tỉnh A"
    with pytest.raises(DomainError):
        services.body_register(actor=actors.officer, name="công an tỉnh a", kind="police")
    with pytest.raises(DomainError):
        services.body_register(actor=actors.officer, name="Ban X", kind="party")
    with pytest.raises(AccessDenied):
        services.body_register(actor=actors.clerk, name="Bộ CHQS tỉnh A", kind="military")


def test_statistics_per_addressee_and_node(tree: Tree, actors: Actors) -> None:
    police = make_body(registered_by=actors.officer)
    with at(D(2026, 11, 2)):
        case = make_case(person=actors.subject, status=Status.VERIFYING)
        fast = send_request(actor=actors.officer, case=case, addressee_unit=tree.commune_b1)
        send_request(actor=actors.officer, case=case, addressee_body=police)
    with at(D(2026, 11, 6)):  # four working days later
        services.reply_record(
            actor=actors.outsider, request=fast, data=services.ReplyInput(outcome="certified")
        )
    with at(D(2026, 12, 31)):
        stats = tracking.request_stats(
            policy.verification_requests_visible_to(actors.officer),
            date_from=D(2026, 11, 1),
            date_to=D(2026, 11, 30),
        )
    by_name = {row.label: row for row in stats.by_addressee}
    assert (by_name["Xã B1"].sent, by_name["Xã B1"].answered, by_name["Xã B1"].median) == (1, 1, 4)
    assert by_name[police.name].overdue_now == 1
    (node,) = stats.by_node
    assert (node.sent, node.answered, node.p90, node.overdue_now) == (2, 1, 4, 1)


def test_reuse_finds_the_same_relative_on_another_dossier_by_the_sealed_cccd(
    tree: Tree, actors: Actors
) -> None:
    # given a certified reply about a father whose CCCD is sealed (blind index kept beside it)
    with at(D(2026, 3, 2)):
        old_case = make_case(person=actors.subject, status=Status.VERIFYING)
        father = make_relative(person=actors.subject, relationship=R.FATHER, cccd="001060012345")
        request = send_request(
            actor=actors.officer, case=old_case, addressee_unit=tree.commune_b1,
            relatives=[father], include_subject=False,
        )  # fmt: skip
        services.reply_record(
            actor=actors.outsider, request=request, data=services.ReplyInput(outcome="certified")
        )
    # when a sibling's dossier names the same father, recorded separately with the same CCCD
    sibling = make_person(org_unit=tree.grassroots_a1)
    same_father = make_relative(person=sibling, relationship=R.FATHER, cccd="001060012345")
    other_father = make_relative(person=sibling, relationship=R.FATHER, cccd="001060099999")
    new_case = make_case(person=sibling, status=Status.VERIFYING)
    offers = tracking.reuse_offers(
        actor=actors.officer, case=new_case, relatives=[same_father, other_father],
        today=D(2026, 6, 1),
    )  # fmt: skip
    # then the earlier reply is offered for the same CCCD only
    assert offers[same_father.pk] == [request]
    assert offers[other_father.pk] == []
