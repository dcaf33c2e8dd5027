from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from bvct.accounts.models import User
from bvct.audit.models import AuditEvent
from bvct.core.errors import AccessDenied, DomainError
from bvct.declarations import services
from bvct.declarations.models import Declaration
from bvct.declarations.schema import empty_content
from bvct.declarations.tests.factories import complete_content, make_declaration
from bvct.people.models import Person

TODAY = dt.date(2026, 6, 15)
Status, Channel = Declaration.Status, Declaration.Channel


def _state() -> tuple[list[tuple[Any, ...]], int]:
    rows = list(
        Declaration.objects.order_by("pk").values_list(
            "pk", "number", "status", "channel", "content", "submitted_at", "findings"
        )
    )
    return rows, AuditEvent.objects.count()


def _events(action: str) -> list[dict[str, Any]]:
    return list(
        AuditEvent.objects.filter(action=action).order_by("seq").values_list("data", flat=True)
    )


# --- start ------------------------------------------------------------------------------------


def test_member_starts_a_first_version_from_their_record(person: Person, member: User) -> None:
    # when
    declaration = services.declaration_start(person=person, channel=Channel.PORTAL, actor=member)
    # then
    assert (declaration.number, declaration.status, declaration.channel) == (1, "draft", "portal")
    assert declaration.entered_by == member
    assert declaration.based_on is None
    expected = empty_content()
    expected["personal"] |= {
        "full_name": "Nguyễn Văn An",
        "sex": "male",
        "birth_date": "1990-05-17",
        "hometown": "Xã Đông Anh, Hà Nội",
        "residence": "Phường Hoàn Kiếm, Hà Nội",
    }
    assert declaration.content == expected
    event = AuditEvent.objects.get(action="declarations.declaration.start")
    assert (event.actor, event.target_id, event.org_unit) == (
        member,
        str(declaration.pk),
        person.org_unit,
    )
    assert event.data == {"person": person.pk, "number": 1, "channel": "portal", "based_on": None}


def test_new_version_copies_the_latest_submitted_one(person: Person, member: User) -> None:
    # given versions 1 and 2 submitted, 2 with different content
    make_declaration(person=person, entered_by=member, status=Status.SUBMITTED)
    second = complete_content()
    second["personal"]["occupation"] = "Trưởng phòng"
    v2 = make_declaration(person=person, entered_by=member, status=Status.SUBMITTED, content=second)
    # when
    v3 = services.declaration_start(person=person, channel=Channel.PORTAL, actor=member)
    # then
    assert v3.number == 3
    assert v3.based_on == v2
    assert v3.content == second
    # and editing the copy leaves the submitted version as it was
    personal = {**second["personal"], "occupation": "Phó giám đốc"}
    services.declaration_update_section(
        declaration=v3, section="personal", data=personal, actor=member
    )
    v2.refresh_from_db()
    v3.refresh_from_db()
    assert v2.content["personal"]["occupation"] == "Trưởng phòng"
    assert v3.content["personal"]["occupation"] == "Phó giám đốc"
    assert _events("declarations.declaration.start")[-1]["based_on"] == 2


def test_only_one_draft_at_a_time(person: Person, member: User) -> None:
    make_declaration(person=person, entered_by=member, channel=Channel.PORTAL)
    before = _state()
    with pytest.raises(DomainError, match="Bản khai số 1 vẫn là bản nháp"):
        services.declaration_start(person=person, channel=Channel.PORTAL, actor=member)
    assert _state() == before


def test_member_cannot_start_another_persons_declaration(
    other_person: Person, member: User
) -> None:
    before = _state()
    with pytest.raises(AccessDenied, match="Bạn không có quyền khai lý lịch này"):
        services.declaration_start(person=other_person, channel=Channel.PORTAL, actor=member)
    assert _state() == before


@pytest.mark.parametrize("channel", [Channel.PAPER, Channel.PORTAL])
def test_channels_belong_to_their_writers(
    person: Person, member: User, clerk: User, channel: str
) -> None:
    # the member may not claim a paper entry, nor a clerk write in the member's name
    actor = member if channel == Channel.PAPER else clerk
    before = _state()
    with pytest.raises(AccessDenied):
        services.declaration_start(person=person, channel=channel, actor=actor)
    assert _state() == before


def test_clerk_enters_from_paper_in_jurisdiction_only(
    person: Person, outsider_person: Person, clerk: User, inspector: User
) -> None:
    # when a clerk starts a paper version in jurisdiction
    declaration = services.declaration_start(person=person, channel=Channel.PAPER, actor=clerk)
    # then it is recorded as entered from paper by the clerk
    assert (declaration.channel, declaration.entered_by, declaration.is_from_paper) == (
        "paper",
        clerk,
        True,
    )
    # and out of jurisdiction, or for a read-only role, nothing happens
    before = _state()
    with pytest.raises(AccessDenied):
        services.declaration_start(person=outsider_person, channel=Channel.PAPER, actor=clerk)
    with pytest.raises(AccessDenied):
        services.declaration_start(person=person, channel=Channel.PAPER, actor=inspector)
    assert _state() == before


# --- update a section -------------------------------------------------------------------------


def test_update_section_validates_and_audits_without_personal_values(
    person: Person, clerk: User
) -> None:
    # given a paper draft
    declaration = make_declaration(person=person, entered_by=clerk, content=empty_content())
    rows = [{"from_month": "09/2013", "to_month": "", "activity": "Sinh viên", "place": "Hà Nội"}]
    # when
    updated = services.declaration_update_section(
        declaration=declaration, section="timeline", data=rows, actor=clerk
    )
    # then
    assert updated.content["timeline"] == [
        {"from_month": "2013-09", "to_month": None, "activity": "Sinh viên", "place": "Hà Nội"}
    ]
    assert _events("declarations.declaration.update_section") == [
        {"number": 1, "section": "timeline", "rows": {"old": 0, "new": 1}}
    ]
    # and the personal details record only which fields changed
    personal = {**complete_content()["personal"], "occupation": "Giáo viên"}
    services.declaration_update_section(
        declaration=declaration, section="personal", data=personal, actor=clerk
    )
    assert _events("declarations.declaration.update_section")[-1] == {
        "number": 1,
        "section": "personal",
        "fields": [
            "birth_date",
            "birthplace",
            "full_name",
            "general_education",
            "hometown",
            "marital_status",
            "occupation",
            "residence",
            "sex",
            "youth_union_date",
        ],
    }


def test_update_without_change_writes_nothing(person: Person, clerk: User) -> None:
    declaration = make_declaration(person=person, entered_by=clerk)
    before = _state()
    services.declaration_update_section(
        declaration=declaration,
        section="family",
        data=complete_content()["family"],
        actor=clerk,
    )
    assert _state() == before


def test_invalid_section_is_refused_with_every_error(person: Person, clerk: User) -> None:
    declaration = make_declaration(person=person, entered_by=clerk)
    before = _state()
    with pytest.raises(services.DeclarationInvalidError) as refused:
        services.declaration_update_section(
            declaration=declaration,
            section="family",
            data=[{"relationship": "uncle", "full_name": ""}],
            actor=clerk,
        )
    assert [e.message for e in refused.value.errors] == [
        "Hoàn cảnh gia đình, dòng 1, “Quan hệ”: chọn một trong các mục có sẵn.",
        "Hoàn cảnh gia đình, dòng 1, “Họ và tên”: bắt buộc phải điền.",
    ]
    assert _state() == before


def test_submitted_version_is_never_updated(person: Person, clerk: User) -> None:
    declaration = make_declaration(person=person, entered_by=clerk, status=Status.SUBMITTED)
    before = _state()
    with pytest.raises(DomainError, match="Bản khai số 1 đã nộp, không sửa được nữa"):
        services.declaration_update_section(
            declaration=declaration, section="awards", data=[], actor=clerk
        )
    assert _state() == before


def test_clerk_cannot_edit_the_members_portal_draft(
    person: Person, member: User, clerk: User
) -> None:
    declaration = make_declaration(person=person, entered_by=member, channel=Channel.PORTAL)
    before = _state()
    with pytest.raises(AccessDenied):
        services.declaration_update_section(
            declaration=declaration, section="awards", data=[], actor=clerk
        )
    assert _state() == before


def test_another_member_cannot_edit_a_portal_draft(
    person: Person, member: User, other_member: User
) -> None:
    declaration = make_declaration(person=person, entered_by=member, channel=Channel.PORTAL)
    before = _state()
    with pytest.raises(AccessDenied):
        services.declaration_update_section(
            declaration=declaration, section="awards", data=[], actor=other_member
        )
    assert _state() == before


# --- submit -----------------------------------------------------------------------------------


def test_submit_refused_with_the_blocking_findings(person: Person, member: User) -> None:
    # given a portal draft without parents
    content = complete_content()
    content["family"] = content["family"][2:]
    declaration = make_declaration(
        person=person, entered_by=member, channel=Channel.PORTAL, content=content
    )
    before = _state()
    # when
    with pytest.raises(services.DeclarationRefusedError) as refused:
        services.declaration_submit(declaration=declaration, actor=member, today=TODAY)
    # then
    assert refused.value.message == "Chưa nộp được: cần sửa các lỗi sau trước."
    assert [f.message for f in refused.value.findings] == [
        "Hoàn cảnh gia đình: chưa khai bố (phải khai cả khi đã mất).",
        "Hoàn cảnh gia đình: chưa khai mẹ (phải khai cả khi đã mất).",
    ]
    assert _state() == before


def test_submit_records_warnings_time_and_submitter(person: Person, member: User) -> None:
    # given a draft with a five-month gap (a warning only)
    content = complete_content()
    content["timeline"][1]["from_month"] = "2017-12"
    declaration = make_declaration(
        person=person, entered_by=member, channel=Channel.PORTAL, content=content
    )
    # when
    submitted = services.declaration_submit(declaration=declaration, actor=member, today=TODAY)
    # then
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert submitted.submitted_by == member
    assert submitted.submitted_at is not None
    assert abs((timezone.now() - submitted.submitted_at).total_seconds()) < 60
    assert submitted.findings == [
        {
            "rule": "timeline_gap",
            "severity": "warning",
            "section": "timeline",
            "row": 2,
            "message": "Quá trình công tác và học tập, dòng 2: 5 tháng không khai (từ 07/2017 "
            "đến 11/2017), quá 3 tháng. Hãy khai rõ thời gian đó làm gì.",
        }
    ]
    assert _events("declarations.declaration.submit") == [
        {"number": 1, "channel": "portal", "warnings": ["timeline_gap"]}
    ]


def test_gap_limit_comes_from_settings(person: Person, member: User, settings: Any) -> None:
    settings.BVCT_DECLARATION_MAX_GAP_MONTHS = 6
    content = complete_content()
    content["timeline"][1]["from_month"] = "2017-12"
    declaration = make_declaration(
        person=person, entered_by=member, channel=Channel.PORTAL, content=content
    )
    submitted = services.declaration_submit(declaration=declaration, actor=member, today=TODAY)
    assert submitted.findings == []


def test_submit_twice_is_refused(person: Person, member: User) -> None:
    declaration = make_declaration(person=person, entered_by=member, channel=Channel.PORTAL)
    services.declaration_submit(declaration=declaration, actor=member, today=TODAY)
    before = _state()
    with pytest.raises(DomainError, match="Bản khai số 1 đã nộp"):
        services.declaration_submit(declaration=declaration, actor=member, today=TODAY)
    assert _state() == before


def test_submit_refuses_content_that_does_not_fit_the_form(person: Person, clerk: User) -> None:
    content = complete_content()
    content["personal"]["religion"] = "x"
    declaration = make_declaration(person=person, entered_by=clerk, content=content)
    before = _state()
    with pytest.raises(services.DeclarationRefusedError) as refused:
        services.declaration_submit(declaration=declaration, actor=clerk, today=TODAY)
    assert [(f.rule, f.message) for f in refused.value.findings] == [
        ("invalid", "Sơ lược lý lịch: “religion” không phải là mục của biểu mẫu này.")
    ]
    assert _state() == before


def test_submit_leaves_missing_personal_details_to_the_linter(person: Person, clerk: User) -> None:
    # given a version that still has the empty personal details it started with
    content = complete_content()
    content["personal"]["birthplace"] = ""
    declaration = make_declaration(person=person, entered_by=clerk, content=content)
    with pytest.raises(services.DeclarationRefusedError) as refused:
        services.declaration_submit(declaration=declaration, actor=clerk, today=TODAY)
    assert [f.message for f in refused.value.findings] == ["Sơ lược lý lịch: chưa khai “Nơi sinh”."]


def test_submit_by_someone_else_is_refused(
    person: Person, member: User, other_member: User, clerk: User
) -> None:
    declaration = make_declaration(person=person, entered_by=member, channel=Channel.PORTAL)
    before = _state()
    for actor in (other_member, clerk):
        with pytest.raises(AccessDenied):
            services.declaration_submit(declaration=declaration, actor=actor, today=TODAY)
    assert _state() == before


def test_lint_and_compare_are_reads(person: Person, clerk: User) -> None:
    v1 = make_declaration(person=person, entered_by=clerk, status=Status.SUBMITTED)
    content = complete_content()
    content["family"] = content["family"][1:]
    v2 = make_declaration(person=person, entered_by=clerk, content=content)
    before = _state()
    assert [f.rule for f in services.declaration_lint(v2, today=TODAY)] == ["parent_missing"]
    diff = services.declaration_compare(a=v1, b=v2)
    assert [(s.section, s.is_changed) for s in diff][:3] == [
        ("personal", False),
        ("family", True),
        ("timeline", False),
    ]
    assert _state() == before
