"""The data-subject request register and its clocks (issue 11 item 10)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.audit.models import AuditEvent
from bvct.core.errors import AccessDenied, DomainError
from bvct.people.models import Person
from bvct.people.tests.factories import make_person
from bvct.privacy import selectors, services
from bvct.privacy.models import SubjectRequest, SubjectRequestLimit
from conftest import Tree

FRIDAY = dt.date(2026, 6, 5)


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 3, tzinfo=dt.UTC), tick=False
    )


@pytest.fixture
def person(tree: Tree) -> Person:
    return make_person(org_unit=tree.commune_a1)


@pytest.fixture
def clerk(tree: Tree) -> User:
    return make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))


@pytest.fixture
def approver(tree: Tree) -> User:
    return make_user(org_unit=tree.commune_a1, roles=(RoleCode.APPROVER,))


def _paper(clerk: User, person: Person, received_on: dt.date = FRIDAY) -> SubjectRequest:
    return services.subject_request_register(
        actor=clerk,
        person=person,
        kind_code="access",
        details="Xin bản sao lý lịch",
        received_on=received_on,
    )


def test_the_clocks_come_from_the_limits_in_force(tree: Tree, clerk: User, person: Person) -> None:
    # given the seeded example limits: acknowledge 2 working days, complete 15 days
    with at(FRIDAY + dt.timedelta(days=1)):
        request = _paper(clerk, person)
    # then a Friday receipt is acknowledged by Tuesday, completed 15 calendar days later
    assert request.acknowledge_due_on == dt.date(2026, 6, 9)
    assert request.due_on == dt.date(2026, 6, 20)
    assert (request.extension_days, request.status, request.channel) == (15, "received", "paper")
    assert "ví dụ" in request.legal_basis
    # a revised limit (new row from a later date) applies to requests received from then on
    SubjectRequestLimit.objects.filter(step="complete").update(valid_to=dt.date(2026, 6, 30))
    SubjectRequestLimit.objects.create(
        step="complete",
        days=10,
        working_days=True,
        legal_basis="sửa đổi (ví dụ)",
        valid_from=dt.date(2026, 7, 1),
    )
    with at(dt.date(2026, 7, 3)):
        later = _paper(clerk, person, received_on=dt.date(2026, 7, 3))
    assert later.due_on == dt.date(2026, 7, 17)


def test_acknowledge_extend_once_and_complete(
    tree: Tree, clerk: User, approver: User, person: Person
) -> None:
    with at(FRIDAY):
        request = _paper(clerk, person)
        services.subject_request_acknowledge(actor=clerk, request=request)
        # a clerk may not extend: refused, nothing changed
        before = AuditEvent.objects.count()
        with pytest.raises(AccessDenied):
            services.subject_request_extend(actor=clerk, request=request, reason="Cần thêm")
        assert AuditEvent.objects.count() == before
        with pytest.raises(DomainError, match="Lý do"):
            services.subject_request_extend(actor=approver, request=request, reason="")
        services.subject_request_extend(
            actor=approver, request=request, reason="Phải đối chiếu hồ sơ lưu trữ"
        )
        request.refresh_from_db()
        assert (request.status, request.due_on) == ("extended", dt.date(2026, 7, 5))
        # only one extension
        with pytest.raises(DomainError, match="một lần"):
            services.subject_request_extend(actor=approver, request=request, reason="Lần hai")
        # a clerk does not close; an approver completes with the outcome
        with pytest.raises(AccessDenied):
            services.subject_request_close(
                actor=clerk, request=request, complete=True, outcome="Đã gửi"
            )
        services.subject_request_close(
            actor=approver, request=request, complete=True, outcome="Đã gửi bản sao"
        )
    request.refresh_from_db()
    assert (request.status, request.outcome) == ("completed", "Đã gửi bản sao")
    actions = list(
        AuditEvent.objects.filter(action__startswith="privacy.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "privacy.subject_request.receive",
        "privacy.subject_request.acknowledge",
        "privacy.subject_request.extend",
        "privacy.subject_request.completed",
    ]


def test_a_refusal_needs_the_reason(
    tree: Tree, clerk: User, approver: User, person: Person
) -> None:
    with at(FRIDAY):
        request = _paper(clerk, person)
        services.subject_request_acknowledge(actor=clerk, request=request)
        with pytest.raises(DomainError, match="lý do từ chối"):
            services.subject_request_close(
                actor=approver, request=request, complete=False, outcome=""
            )
        services.subject_request_close(
            actor=approver, request=request, complete=False, outcome="Không thuộc phạm vi"
        )
    request.refresh_from_db()
    assert request.status == "refused"


def test_overdue_requests_show_for_the_responsible_unit_only(
    client: Client, tree: Tree, clerk: User, person: Person
) -> None:
    # given a request received three weeks ago, never acknowledged
    with at(FRIDAY):
        _paper(clerk, person)
    officer_above = make_user(org_unit=tree.prov_a, roles=(RoleCode.OFFICER,))
    officer_elsewhere = make_user(org_unit=tree.prov_b, roles=(RoleCode.OFFICER,))
    with at(FRIDAY + dt.timedelta(days=21)):
        today = FRIDAY + dt.timedelta(days=21)
        assert selectors.subject_requests_overdue(clerk, today=today).count() == 1
        assert selectors.subject_requests_overdue(officer_above, today=today).count() == 1
        assert selectors.subject_requests_overdue(officer_elsewhere, today=today).count() == 0
        client.force_login(officer_above)
        home = client.get(reverse("core:home")).content.decode()
        assert "Yêu cầu của chủ thể dữ liệu quá hạn" in home
        page = client.get(reverse("privacy:subject-list")).content.decode()
        assert person.full_name in page
        client.force_login(officer_elsewhere)
        assert "quá hạn" not in client.get(reverse("core:home")).content.decode()


def test_a_member_files_a_request_and_sees_only_their_own(
    client: Client, tree: Tree, clerk: User
) -> None:
    member = make_user(org_unit=tree.branch_a1, roles=(RoleCode.MEMBER,))
    own = make_person(org_unit=tree.branch_a1, account=member)
    other = _paper(clerk, make_person(org_unit=tree.commune_a1))
    client.force_login(member)
    response = client.post(
        reverse("privacy:my-requests"), {"kind": "correction", "details": "Sửa năm sinh"}
    )
    mine = SubjectRequest.objects.get(person=own)
    assert response["Location"] == reverse("privacy:my-request", kwargs={"pk": mine.pk})
    assert (mine.channel, mine.org_unit, mine.status) == ("portal", tree.branch_a1, "received")
    page = client.get(reverse("privacy:my-request", kwargs={"pk": mine.pk})).content.decode()
    assert "Sửa năm sinh" in page
    assert client.get(reverse("privacy:my-request", kwargs={"pk": other.pk})).status_code == 404
    # an empty request is refused with the field named, nothing saved
    refused = client.post(reverse("privacy:my-requests"), {"kind": "access", "details": " "})
    assert "Nội dung: ghi rõ người đó yêu cầu gì." in refused.content.decode()
    assert SubjectRequest.objects.filter(person=own).count() == 1


def test_staff_pages_render_and_reads_are_audited(
    client: Client, tree: Tree, clerk: User, person: Person
) -> None:
    client.force_login(clerk)
    response = client.post(
        reverse("privacy:subject-paper", kwargs={"pk": person.pk}),
        {"kind": "deletion", "details": "Xóa số điện thoại cũ", "received_on": "32/13/2026"},
    )
    assert "dd/mm/yyyy" in response.content.decode()
    assert not SubjectRequest.objects.exists()
    response = client.post(
        reverse("privacy:subject-paper", kwargs={"pk": person.pk}),
        {"kind": "deletion", "details": "Xóa số điện thoại cũ", "received_on": "01/06/2026"},
    )
    request = SubjectRequest.objects.get()
    detail = client.get(reverse("privacy:subject-detail", kwargs={"pk": request.pk}))
    assert "Xóa số điện thoại cũ" in detail.content.decode()
    assert AuditEvent.objects.filter(action="privacy.subject_request.view").count() == 1
