from __future__ import annotations

import datetime
import json

import pytest

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.audit.models import AuditEvent
from bvct.core.errors import AccessDenied, DomainError
from bvct.people import services
from bvct.people.identity import ReplyIdentifiers
from bvct.people.models import DatePrecision, Person, RecordedIssue, Relative, Sex
from bvct.people.services import (
    DuplicateCandidatesError,
    PersonFields,
    PersonInvalidError,
    RelativeFields,
)
from bvct.people.tests.factories import make_issue, make_person, make_relative
from bvct.people.tests.helpers import Actors, fields_for, nothing_changes
from bvct.people.workflow import TRANSITIONS

Status = RecordedIssue.Status


def _last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-seq").first()  # type: ignore[return-value]


# --- person_create / person_update ------------------------------------------------------------


def test_create_stores_name_parts_and_audits_without_personal_values(tree, actors: Actors) -> None:
    # when
    person = services.person_create(
        actor=actors.clerk,
        org_unit=tree.branch_a1,
        data=fields_for(full_name="  nguyễn thị  hồng nhung "),
    )
    # then
    person.refresh_from_db()
    assert (person.full_name, person.surname, person.middle_name, person.given_name) == (
        "Nguyễn Thị Hồng Nhung",
        "Nguyễn",
        "Thị Hồng",
        "Nhung",
    )
    assert person.name_key == "nguyen thi hong nhung"
    assert (person.birth_year, person.cccd, person.created_by) == (
        1985,
        "001185012345",
        actors.clerk,
    )
    event = _last_event()
    assert (event.action, event.target_id, event.org_unit_id) == (
        "people.person.create",
        str(person.pk),
        tree.branch_a1.pk,
    )
    text = json.dumps(event.data, ensure_ascii=False)
    for personal in ("Nguyễn", "Nhung", "001185012345", "1985", "Tràng Tiền"):
        assert personal not in text
    assert event.data["new"]["cccd"] == "[changed]"
    assert event.data["new"]["org_unit"] == tree.branch_a1.pk


@pytest.mark.parametrize(
    ("given", "precision", "stored"),
    [
        (datetime.date(1960, 7, 19), DatePrecision.DAY, datetime.date(1960, 7, 19)),
        (datetime.date(1960, 7, 19), DatePrecision.MONTH, datetime.date(1960, 7, 1)),
        (datetime.date(1960, 7, 19), DatePrecision.YEAR, datetime.date(1960, 1, 1)),
    ],
)
def test_birth_date_is_stored_with_its_precision(tree, actors, given, precision, stored) -> None:
    person = services.person_create(
        actor=actors.clerk,
        org_unit=tree.commune_a1,
        data=fields_for(birth_date=given, birth_precision=precision, cccd=None),
    )
    assert (person.birth_date, person.birth_precision, person.birth_year) == (
        stored,
        precision,
        1960,
    )


def test_create_refused_outside_jurisdiction(tree, actors: Actors) -> None:
    with nothing_changes(), pytest.raises(AccessDenied):
        services.person_create(actor=actors.clerk, org_unit=tree.commune_b1, data=fields_for())


@pytest.mark.parametrize("role", ["inspector", "approver", "auditor_only"])
def test_create_refused_to_readers(tree, actors: Actors, role: str) -> None:
    actor = (
        make_user(org_unit=tree.commune_a1, roles=(RoleCode.AUDITOR,))
        if role == "auditor_only"
        else getattr(actors, role)
    )
    with nothing_changes(), pytest.raises(AccessDenied):
        services.person_create(actor=actor, org_unit=tree.commune_a1, data=fields_for())


def test_create_reports_every_invalid_field(tree, actors: Actors) -> None:
    # given a CCCD for a man born in 1984, an unknown commune and dates out of order
    data = fields_for(
        cccd="001084012345",
        hometown_province_code="48",
        hometown_commune_code="00070",
        admission_date=datetime.date(2010, 1, 1),
        official_date=datetime.date(2009, 1, 1),
    )
    # when
    with nothing_changes(), pytest.raises(PersonInvalidError) as caught:
        services.person_create(actor=actors.clerk, org_unit=tree.commune_a1, data=data)
    # then
    assert caught.value.errors == {
        "cccd": [
            "Số CCCD: chữ số thứ 4 “0” dành cho người giới tính nam, nhưng giới tính khai là nữ.",
            "Số CCCD: chữ số thứ 5–6 “84” phải là hai số cuối của năm sinh (85).",
        ],
        "hometown_commune_code": ["Quê quán: “00070” không phải xã, phường của Thành phố Đà Nẵng."],
        "official_date": ["Ngày chính thức: phải sau ngày vào Đảng."],
    }


def test_create_refuses_a_cccd_already_registered(tree, actors: Actors) -> None:
    make_person(org_unit=tree.commune_b1, full_name="Trần Văn Khác", cccd="001185012345")
    with nothing_changes(), pytest.raises(PersonInvalidError) as caught:
        services.person_create(actor=actors.clerk, org_unit=tree.commune_a1, data=fields_for())
    assert caught.value.errors == {"cccd": ["Số CCCD: đã có trong hồ sơ của một người khác."]}


def test_create_stops_on_duplicate_candidates_until_confirmed(tree, actors: Actors) -> None:
    # given a record in scope with the same folded name and date of birth
    existing = make_person(
        org_unit=tree.branch_a1,
        full_name="Nguyen Thi Hong Nhung",
        birth_date=datetime.date(1985, 4, 12),
        sex=Sex.FEMALE,
    )
    # when / then: refused with the candidates
    with nothing_changes(), pytest.raises(DuplicateCandidatesError) as caught:
        services.person_create(
            actor=actors.clerk, org_unit=tree.commune_a1, data=fields_for(cccd=None)
        )
    assert caught.value.candidates == [(existing, ("name", "birth_date"))]
    # and saved once the actor confirms it is a different person
    person = services.person_create(
        actor=actors.clerk,
        org_unit=tree.commune_a1,
        data=fields_for(cccd=None),
        confirmed_distinct=True,
    )
    assert _last_event().data["confirmed_distinct"] is True
    assert Person.objects.filter(name_key="nguyen thi hong nhung").count() == 2
    assert person.pk != existing.pk


def test_duplicates_outside_scope_are_not_shown(tree, actors: Actors) -> None:
    make_person(
        org_unit=tree.commune_b1,
        full_name="Nguyễn Thị Hồng Nhung",
        birth_date=datetime.date(1985, 4, 12),
    )
    person = services.person_create(
        actor=actors.clerk, org_unit=tree.commune_a1, data=fields_for(cccd=None)
    )
    assert person.pk is not None


def test_update_changes_fields_and_audits_names_of_changed_fields(tree, actors: Actors) -> None:
    person = services.person_create(actor=actors.clerk, org_unit=tree.commune_a1, data=fields_for())
    # when
    services.person_update(
        actor=actors.officer,
        person=person,
        data=fields_for(residence_province_code="48", residence_commune_code="20242"),
        org_unit=tree.branch_a1,
        classification=1,
    )
    # then
    person.refresh_from_db()
    assert (person.residence_commune_code, person.org_unit, person.classification) == (
        "20242",
        tree.branch_a1,
        1,
    )
    event = _last_event()
    assert event.action == "people.person.update"
    assert event.data == {
        "old": {
            "classification": 0,
            "org_unit": tree.commune_a1.pk,
            "residence_commune_code": "[changed]",
            "residence_province_code": "[changed]",
        },
        "new": {
            "classification": 1,
            "org_unit": tree.branch_a1.pk,
            "residence_commune_code": "[changed]",
            "residence_province_code": "[changed]",
        },
    }


@pytest.mark.parametrize("role", ["inspector", "approver", "outsider"])
def test_update_refused_to_non_keepers(tree, actors: Actors, role: str) -> None:
    person = make_person(org_unit=tree.commune_a1)
    with nothing_changes(), pytest.raises(AccessDenied):
        services.person_update(
            actor=getattr(actors, role), person=person, data=fields_for(cccd=None)
        )


def test_classification_above_own_clearance_refused(tree, actors: Actors) -> None:
    with nothing_changes(), pytest.raises(DomainError, match="tối đa bằng độ mật được cấp"):
        services.person_create(
            actor=actors.clerk, org_unit=tree.commune_a1, data=fields_for(), classification=1
        )


def test_read_is_audited_without_personal_values(tree, actors: Actors) -> None:
    person = make_person(org_unit=tree.commune_a1, full_name="Lê Văn Đọc")
    services.person_read_record(actor=actors.inspector, person=person, channel="page")
    event = _last_event()
    assert (event.action, event.actor, event.target_id, event.data) == (
        "people.person.read",
        actors.inspector,
        str(person.pk),
        {"channel": "page"},
    )


# --- relatives --------------------------------------------------------------------------------


def _relative_fields(**overrides: object) -> RelativeFields:
    values: dict[str, object] = {
        "relationship": Relative.Relationship.FATHER,
        "full_name": "Nguyễn Văn Cha",
        "birth_date": datetime.date(1955, 1, 1),
        "birth_precision": DatePrecision.YEAR,
        "sex": Sex.MALE,
    }
    values.update(overrides)
    return RelativeFields(**values)  # type: ignore[arg-type]


def test_relative_create_update_delete(tree, actors: Actors) -> None:
    person = make_person(org_unit=tree.commune_a1)
    linked = make_person(org_unit=tree.branch_a1, full_name="Nguyễn Văn Cha")
    # when
    relative = services.relative_create(
        actor=actors.clerk,
        person=person,
        data=_relative_fields(linked_person_id=linked.pk, country_code="fr"),
    )
    # then
    assert (
        relative.person,
        relative.linked_person,
        relative.country_code,
        relative.birth_year,
    ) == (
        person,
        linked,
        "FR",
        1955,
    )
    assert _last_event().action == "people.relative.create"
    # when deceased
    services.relative_update(
        actor=actors.officer, relative=relative, data=_relative_fields(is_deceased=True)
    )
    relative.refresh_from_db()
    assert (relative.is_deceased, relative.linked_person, relative.country_code) == (True, None, "")
    assert _last_event().data["new"]["is_deceased"] is True
    # when deleted
    services.relative_delete(actor=actors.clerk, relative=relative)
    assert not Relative.objects.filter(pk=relative.pk).exists()
    assert _last_event().data == {"person": person.pk, "relationship": "father"}


def test_relative_refusals_change_nothing(tree, actors: Actors) -> None:
    person = make_person(org_unit=tree.commune_a1)
    outside = make_person(org_unit=tree.commune_b1)
    relative = make_relative(person=person)
    make_issue(person=person, relative=relative, created_by=actors.officer)
    with nothing_changes():
        with pytest.raises(PersonInvalidError, match="để trống nếu người thân sống ở Việt Nam"):
            services.relative_create(
                actor=actors.clerk, person=person, data=_relative_fields(country_code="VN")
            )
        with pytest.raises(PersonInvalidError) as caught:
            services.relative_create(
                actor=actors.clerk,
                person=person,
                data=_relative_fields(linked_person_id=outside.pk),
            )
        assert list(caught.value.errors) == ["linked_person_id"]
        with pytest.raises(AccessDenied):
            services.relative_create(actor=actors.inspector, person=person, data=_relative_fields())
        with pytest.raises(DomainError, match="có vấn đề đã ghi nhận"):
            services.relative_delete(actor=actors.clerk, relative=relative)


# --- issues -----------------------------------------------------------------------------------


def test_officer_records_issue_on_a_relative(tree, actors: Actors) -> None:
    person = make_person(org_unit=tree.commune_a1)
    relative = make_relative(person=person)
    issue = services.issue_create(
        actor=actors.officer,
        person=person,
        relative=relative,
        family=RecordedIssue.Family.POLITICAL_HISTORY,
        source=RecordedIssue.Source.DECLARATION,
        summary=" Tham gia tổ chức trước 1975 ",
    )
    assert (issue.relative, issue.status, issue.summary, issue.created_by) == (
        relative,
        Status.DECLARED,
        "Tham gia tổ chức trước 1975",
        actors.officer,
    )
    assert _last_event().data == {
        "person": person.pk,
        "relative": relative.pk,
        "family": "political_history",
        "source": "declaration",
        "classification": 1,
        "matched_identifiers": [],
    }


@pytest.mark.parametrize("role", ["clerk", "approver", "inspector", "outsider"])
def test_issue_create_refused_to_non_officers(tree, actors: Actors, role: str) -> None:
    person = make_person(org_unit=tree.commune_a1)
    with nothing_changes(), pytest.raises(AccessDenied):
        services.issue_create(
            actor=getattr(actors, role),
            person=person,
            family=RecordedIssue.Family.CURRENT_POLITICAL,
            source=RecordedIssue.Source.OTHER,
            summary="x",
        )


def test_issue_on_another_persons_relative_refused(tree, actors: Actors) -> None:
    person = make_person(org_unit=tree.commune_a1)
    other = make_relative(person=make_person(org_unit=tree.commune_a1))
    with nothing_changes(), pytest.raises(DomainError, match="không phải người thân"):
        services.issue_create(
            actor=actors.officer,
            person=person,
            relative=other,
            family=RecordedIssue.Family.CURRENT_POLITICAL,
            source=RecordedIssue.Source.OTHER,
            summary="x",
        )


# --- the three-identifier rule ----------------------------------------------------------------


@pytest.fixture
def subject(tree):
    return make_person(
        org_unit=tree.commune_a1,
        full_name="Phạm Văn Đúng",
        birth_date=datetime.date(1970, 2, 3),
        cccd="001070000777",
        hometown_province_code="01",
    )


@pytest.mark.parametrize(
    ("reply", "matched"),
    [
        (
            ReplyIdentifiers("Pham Van Dung", datetime.date(1970, 2, 3), "", "01"),
            ["name", "birth_date", "hometown"],
        ),
        (
            ReplyIdentifiers("Phạm Văn Khác", datetime.date(1970, 2, 3), "001070000777", "01"),
            ["birth_date", "cccd", "hometown"],
        ),
    ],
)
def test_verification_fact_attaches_with_three_identifiers(
    actors: Actors, subject, reply, matched
) -> None:
    issue = services.attach_verification_fact(
        actor=actors.officer,
        person=subject,
        identifiers=reply,
        family=RecordedIssue.Family.CURRENT_POLITICAL,
        summary="Kết quả thẩm tra",
    )
    assert issue.source == RecordedIssue.Source.VERIFICATION_REPLY
    assert _last_event().data["matched_identifiers"] == matched


@pytest.mark.parametrize(
    "reply",
    [
        ReplyIdentifiers("Phạm Văn Đúng", datetime.date(1970, 2, 3), "", "48"),
        ReplyIdentifiers("Phạm Văn Đúng", None, "", "01"),
        ReplyIdentifiers("", None, "001070000777", ""),
    ],
)
def test_verification_fact_refused_with_fewer_than_three(actors: Actors, subject, reply) -> None:
    with nothing_changes(), pytest.raises(DomainError, match="chỉ khớp") as caught:
        services.attach_verification_fact(
            actor=actors.officer,
            person=subject,
            identifiers=reply,
            family=RecordedIssue.Family.CURRENT_POLITICAL,
            summary="Kết quả thẩm tra",
        )
    assert caught.value.code == "identity_mismatch"


def test_verification_reply_source_needs_identifiers(actors: Actors, subject) -> None:
    with nothing_changes(), pytest.raises(DomainError, match="cần các thông tin nhận dạng"):
        services.issue_create(
            actor=actors.officer,
            person=subject,
            family=RecordedIssue.Family.CURRENT_POLITICAL,
            source=RecordedIssue.Source.VERIFICATION_REPLY,
            summary="x",
        )


def test_verification_fact_about_an_unlinked_relative_needs_name_date_and_cccd(
    actors: Actors, subject
) -> None:
    relative = make_relative(
        person=subject,
        full_name="Phạm Văn Cha",
        birth_date=datetime.date(1940, 1, 1),
        cccd="001040000123",
    )
    two = ReplyIdentifiers("Phạm Văn Cha", datetime.date(1940, 1, 1), "", "01")
    with nothing_changes(), pytest.raises(DomainError, match="chỉ khớp 2"):
        services.attach_verification_fact(
            actor=actors.officer,
            person=subject,
            relative=relative,
            identifiers=two,
            family=RecordedIssue.Family.POLITICAL_HISTORY,
            summary="x",
        )
    three = ReplyIdentifiers("Phạm Văn Cha", datetime.date(1940, 1, 1), "001040000123")
    issue = services.attach_verification_fact(
        actor=actors.officer,
        person=subject,
        relative=relative,
        identifiers=three,
        family=RecordedIssue.Family.POLITICAL_HISTORY,
        summary="x",
    )
    assert issue.relative == relative


# --- issue status -----------------------------------------------------------------------------


def test_issue_goes_declared_under_verification_concluded(tree, actors: Actors) -> None:
    issue = make_issue(person=make_person(org_unit=tree.commune_a1), created_by=actors.officer)
    services.issue_set_status(actor=actors.officer, issue=issue, status=Status.UNDER_VERIFICATION)
    with nothing_changes(), pytest.raises(DomainError, match="Văn bản kết luận: bắt buộc"):
        services.issue_set_status(actor=actors.officer, issue=issue, status=Status.CONCLUDED)
    services.issue_set_status(
        actor=actors.officer,
        issue=issue,
        status=Status.CONCLUDED,
        conclusion_reference="Số 12-KL/ĐU ngày 03/02/2026",
        concluded_on=datetime.date(2026, 2, 3),
    )
    issue.refresh_from_db()
    assert (issue.status, issue.conclusion_reference, issue.concluded_on) == (
        Status.CONCLUDED,
        "Số 12-KL/ĐU ngày 03/02/2026",
        datetime.date(2026, 2, 3),
    )
    assert _last_event().data == {
        "person": issue.person_id,
        "old": {"status": "under_verification"},
        "new": {"status": "concluded"},
    }


@pytest.mark.parametrize(
    ("old", "new"),
    [(a, b) for a in Status.values for b in Status.values if b not in TRANSITIONS[a]],
)
def test_transitions_outside_the_table_are_refused(tree, actors: Actors, old, new) -> None:
    issue = make_issue(
        person=make_person(org_unit=tree.commune_a1),
        created_by=actors.officer,
        status=old,
        conclusion_reference="Số 1-KL/ĐU" if old == Status.CONCLUDED else "",
    )
    with nothing_changes(), pytest.raises(DomainError, match="không thể chuyển sang"):
        services.issue_set_status(
            actor=actors.officer, issue=issue, status=new, conclusion_reference="Số 2-KL/ĐU"
        )


def test_issue_above_clearance_cannot_be_changed(tree, actors: Actors) -> None:
    issue = make_issue(
        person=make_person(org_unit=tree.commune_a1), created_by=actors.officer, classification=3
    )
    with nothing_changes(), pytest.raises(AccessDenied):
        services.issue_set_status(
            actor=actors.officer, issue=issue, status=Status.UNDER_VERIFICATION
        )


# --- merge ------------------------------------------------------------------------------------


def test_merge_keeps_both_histories(tree, actors: Actors) -> None:
    # given two records of one person, the duplicate with relatives, an issue, a CCCD, an account
    member = make_user(org_unit=tree.branch_a1, roles=(RoleCode.MEMBER,))
    keep = make_person(org_unit=tree.commune_a1, full_name="Nguyễn Thị Hồng Nhung", cccd=None)
    duplicate = make_person(
        org_unit=tree.branch_a1,
        full_name="Nguyễn Thị Hồng Nhưng",
        cccd="001190012345",
        hometown_text="Hoàn Kiếm, Hà Nội",
        account=member,
    )
    relative = make_relative(person=duplicate)
    issue = make_issue(person=duplicate, created_by=actors.officer)
    pointing = make_relative(person=make_person(org_unit=tree.commune_a1), linked_person=duplicate)
    # when
    services.person_merge(actor=actors.clerk, keep=keep, duplicate=duplicate)
    # then
    keep.refresh_from_db()
    duplicate.refresh_from_db()
    relative.refresh_from_db()
    issue.refresh_from_db()
    pointing.refresh_from_db()
    assert (duplicate.merged_into, duplicate.account) == (keep, None)
    assert (relative.person, issue.person, pointing.linked_person) == (keep, keep, keep)
    assert (keep.cccd, keep.hometown_text, keep.account) == (
        "001190012345",
        "Hoàn Kiếm, Hà Nội",
        member,
    )
    event = _last_event()
    assert (event.action, event.target_id) == ("people.person.merge", str(keep.pk))
    assert event.data == {
        "keep": keep.pk,
        "duplicate": duplicate.pk,
        "relatives_moved": 1,
        "issues_moved": 1,
        "relative_links_moved": 1,
        "filled": ["cccd", "hometown_text"],
        "account_moved": True,
    }


def test_merge_refusals_change_nothing(tree, actors: Actors) -> None:
    keep = make_person(org_unit=tree.commune_a1)
    outside = make_person(org_unit=tree.commune_b1)
    merged = make_person(org_unit=tree.commune_a1, merged_into=keep)
    other = make_person(org_unit=tree.commune_a1)
    with nothing_changes():
        with pytest.raises(AccessDenied):
            services.person_merge(actor=actors.clerk, keep=keep, duplicate=outside)
        with pytest.raises(AccessDenied):
            services.person_merge(actor=actors.clerk, keep=keep, duplicate=keep)
        with pytest.raises(AccessDenied):
            services.person_merge(actor=actors.inspector, keep=keep, duplicate=other)
        with pytest.raises(DomainError, match="đã được gộp"):
            services.person_merge(actor=actors.clerk, keep=other, duplicate=merged)


def test_merged_record_cannot_be_edited(tree, actors: Actors) -> None:
    keep = make_person(org_unit=tree.commune_a1)
    merged = make_person(org_unit=tree.commune_a1, merged_into=keep)
    with nothing_changes(), pytest.raises(AccessDenied):
        services.person_update(actor=actors.clerk, person=merged, data=fields_for(cccd=None))


def test_person_fields_round_trip(tree) -> None:
    person = make_person(org_unit=tree.commune_a1, cccd="001090012345")
    assert PersonFields.of(person).cccd == "001090012345"
