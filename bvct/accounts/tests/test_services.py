from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from bvct.accounts import services
from bvct.accounts.models import Clearance, User
from bvct.accounts.tests.factories import TEST_PASSWORD, make_user
from bvct.audit.models import AuditEvent
from bvct.core.errors import AccessDenied, DomainError
from conftest import Tree

NEW_PASSWORD = "mật-khẩu-đủ-dài-2026"


def _snapshot() -> tuple[list[tuple[Any, ...]], int]:
    """Every user row (with roles) and the number of audit events: a refusal changes neither."""
    users = [
        (
            u.username,
            u.full_name,
            u.org_unit_id,
            u.clearance,
            u.is_active,
            u.password,
            tuple(sorted(r.code for r in u.roles.all())),
        )
        for u in User.objects.prefetch_related("roles").order_by("pk")
    ]
    return users, AuditEvent.objects.count()


def _create(actor: User, tree: Tree, **overrides: Any) -> User:
    arguments: dict[str, Any] = {
        "username": "can.bo.moi",
        "full_name": "Trần Thị Bình",
        "org_unit": tree.commune_a1,
        "roles": ["officer"],
        "clearance": Clearance.MAT,
        "password": NEW_PASSWORD,
    }
    arguments.update(overrides)
    return services.user_create(actor=actor, **arguments)


def _update(actor: User, user: User, **overrides: Any) -> User:
    arguments: dict[str, Any] = {
        "full_name": user.full_name,
        "org_unit": user.org_unit,
        "roles": sorted(user.role_codes),
        "clearance": user.clearance,
        "is_active": user.is_active,
    }
    arguments.update(overrides)
    return services.user_update(user=user, actor=actor, **arguments)


# --- user_create ------------------------------------------------------------------------------


def test_create_saves_user_roles_password_and_one_audit_event(tree: Tree, admin_a: User) -> None:
    # given
    before = AuditEvent.objects.count()
    # when
    user = _create(admin_a, tree, roles=["officer", "clerk"], full_name="  Trần   Thị Bình ")
    # then
    user.refresh_from_db()
    assert (user.username, user.full_name, user.org_unit, user.clearance) == (
        "can.bo.moi",
        "Trần Thị Bình",
        tree.commune_a1,
        Clearance.MAT,
    )
    assert sorted(user.roles.values_list("code", flat=True)) == ["clerk", "officer"]
    assert user.check_password(NEW_PASSWORD)
    assert user.search_key == "tran thi binh can.bo.moi"
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(action="accounts.user.create")
    assert (event.actor, event.target_type, event.target_id, event.org_unit) == (
        admin_a,
        "accounts.user",
        str(user.pk),
        tree.commune_a1,
    )
    assert event.data == {
        "old": {"clearance": None, "is_active": None, "org_unit": None, "roles": None},
        "new": {
            "clearance": 1,
            "is_active": True,
            "org_unit": "X-A1",
            "roles": ["clerk", "officer"],
        },
    }


def test_create_never_puts_the_password_in_the_audit_log(tree: Tree, admin_a: User) -> None:
    # when
    _create(admin_a, tree)
    # then
    event = AuditEvent.objects.get(action="accounts.user.create")
    assert NEW_PASSWORD not in str(event.data)
    assert "password" not in str(event.data)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"username": "OFFICER.A"}, ("username", "Tên đăng nhập: «OFFICER.A» đã được sử dụng.")),
        ({"username": "   "}, ("username", "Tên đăng nhập: chưa nhập tên đăng nhập.")),
        ({"username": "có dấu cách"}, ("username", "Tên đăng nhập: ")),
        ({"full_name": " "}, ("full_name", "Họ và tên: chưa nhập họ và tên của người dùng.")),
        ({"roles": ["officer", "boss"]}, ("roles", "Vai trò: không có vai trò «boss».")),
        ({"password": "ngan-qua-1"}, ("password", "Mật khẩu không đạt yêu cầu: ít hơn 12 ký tự.")),
        ({"password": "1q2w3e4r5t6y"}, ("password", "Mật khẩu không đạt yêu cầu: quá phổ biến.")),
        ({"password": "can.bo.moi.1"}, ("password", "Mật khẩu không đạt yêu cầu: quá giống ")),
        ({"password": "902746153847"}, ("password", "Mật khẩu không đạt yêu cầu: chỉ gồm chữ số.")),
        ({"clearance": 7}, ("clearance", "Mức được tiếp cận bí mật: không có mức 7.")),
        (
            {"clearance": Clearance.TOI_MAT},
            (
                "clearance",
                "Mức được tiếp cận bí mật: bạn không thể cấp «Tối mật» "
                "vì cao hơn mức của chính bạn (Mật).",
            ),
        ),
        (
            {"org_unit": None},
            (
                "org_unit",
                "Đơn vị: người dùng có vai trò nghiệp vụ (Chuyên viên) phải thuộc một đơn vị.",
            ),
        ),
        (
            {"org_unit": None, "roles": ["member"]},
            (
                "org_unit",
                "Đơn vị: chỉ quản trị viên cấp Trung ương mới được để người dùng "
                "không thuộc đơn vị nào.",
            ),
        ),
    ],
)
def test_create_refusals_name_the_field_and_change_nothing(
    tree: Tree,
    admin_a: User,
    officer_a: User,
    overrides: dict[str, Any],
    expected: tuple[str, str],
) -> None:
    # given
    field, message = expected
    before = _snapshot()
    # when
    with pytest.raises(DomainError) as caught:
        _create(admin_a, tree, **overrides)
    # then
    assert caught.value.field == field
    assert message in caught.value.message
    assert _snapshot() == before


def test_create_refuses_a_unit_outside_the_admins_jurisdiction(tree: Tree, admin_a: User) -> None:
    # given
    before = _snapshot()
    # when
    with pytest.raises(DomainError) as caught:
        _create(admin_a, tree, org_unit=tree.commune_b1)
    # then
    assert caught.value.field == "org_unit"
    assert caught.value.message == "Đơn vị: «X-B1 — Xã B1» nằm ngoài phạm vi quản lý của bạn."
    assert _snapshot() == before


def test_create_refuses_a_unit_that_has_ended(tree: Tree, admin_a: User) -> None:
    # given
    tree.commune_a2.valid_to = dt.date(2025, 6, 30)
    tree.commune_a2.save(update_fields=["valid_to"])
    before = _snapshot()
    # when
    with pytest.raises(DomainError) as caught:
        _create(admin_a, tree, org_unit=tree.commune_a2)
    # then
    assert caught.value.field == "org_unit"
    assert caught.value.message == (
        "Đơn vị: «Xã A2» đã chấm dứt hoạt động từ ngày 30/06/2025; hãy chọn đơn vị kế thừa."
    )
    assert _snapshot() == before


def test_create_refused_for_a_non_admin(tree: Tree, officer_a: User) -> None:
    # given
    before = _snapshot()
    # when / then
    with pytest.raises(
        AccessDenied, match=re.escape("Chỉ quản trị viên mới được quản lý người dùng.")
    ):
        _create(officer_a, tree)
    assert _snapshot() == before


def test_create_lets_a_national_admin_leave_a_member_without_a_unit(
    tree: Tree, national_admin: User
) -> None:
    # when
    user = _create(national_admin, tree, org_unit=None, roles=["member"], clearance=0)
    # then
    user.refresh_from_db()
    assert (user.org_unit, sorted(user.role_codes)) == (None, ["member"])
    assert AuditEvent.objects.filter(action="accounts.user.create").count() == 1


def test_create_grants_a_clearance_equal_to_the_admins_own(tree: Tree, admin_a: User) -> None:
    # when
    user = _create(admin_a, tree, clearance=Clearance.MAT)
    # then
    assert User.objects.get(pk=user.pk).clearance == Clearance.MAT


# --- user_update ------------------------------------------------------------------------------


def test_update_changes_fields_and_audits_a_summary(
    tree: Tree, admin_a: User, officer_a: User
) -> None:
    # when
    _update(
        admin_a,
        officer_a,
        full_name="Nguyễn Văn Đạt",
        org_unit=tree.commune_a2,
        roles=["approver"],
        clearance=Clearance.NONE,
        is_active=False,
    )
    # then
    officer_a.refresh_from_db()
    assert (officer_a.full_name, officer_a.org_unit, officer_a.clearance, officer_a.is_active) == (
        "Nguyễn Văn Đạt",
        tree.commune_a2,
        Clearance.NONE,
        False,
    )
    assert list(officer_a.roles.values_list("code", flat=True)) == ["approver"]
    assert officer_a.search_key == "nguyen van dat officer.a"
    event = AuditEvent.objects.get(action="accounts.user.update")
    assert (event.actor, event.target_id, event.org_unit) == (
        admin_a,
        str(officer_a.pk),
        tree.commune_a2,
    )
    assert event.data == {
        "old": {
            "clearance": 1,
            "full_name": "[changed]",
            "is_active": True,
            "org_unit": "T-A",
            "roles": ["officer"],
        },
        "new": {
            "clearance": 0,
            "full_name": "[changed]",
            "is_active": False,
            "org_unit": "X-A2",
            "roles": ["approver"],
        },
    }


def test_update_with_no_change_records_an_empty_summary(
    tree: Tree, admin_a: User, officer_a: User
) -> None:
    # when
    _update(admin_a, officer_a)
    # then
    event = AuditEvent.objects.get(action="accounts.user.update")
    assert event.data == {"old": {}, "new": {}}


def test_update_keeps_a_higher_clearance_the_admin_did_not_grant(tree: Tree, admin_a: User) -> None:
    # given
    senior = make_user(org_unit=tree.commune_a1, roles=("approver",), clearance=Clearance.TOI_MAT)
    # when
    _update(admin_a, senior, full_name="Lê Văn Cường")
    # then
    senior.refresh_from_db()
    assert (senior.full_name, senior.clearance) == ("Lê Văn Cường", Clearance.TOI_MAT)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"full_name": ""}, "full_name", "Họ và tên: chưa nhập họ và tên của người dùng."),
        ({"roles": ["root"]}, "roles", "Vai trò: không có vai trò «root»."),
        (
            {"clearance": Clearance.TUYET_MAT},
            "clearance",
            "Mức được tiếp cận bí mật: bạn không thể cấp «Tuyệt mật» "
            "vì cao hơn mức của chính bạn (Mật).",
        ),
        (
            {"org_unit": None},
            "org_unit",
            "Đơn vị: người dùng có vai trò nghiệp vụ (Chuyên viên) phải thuộc một đơn vị.",
        ),
    ],
)
def test_update_refusals_name_the_field_and_change_nothing(
    admin_a: User,
    officer_a: User,
    overrides: dict[str, Any],
    field: str,
    message: str,
) -> None:
    # given
    before = _snapshot()
    # when
    with pytest.raises(DomainError) as caught:
        _update(admin_a, officer_a, **overrides)
    # then
    assert (caught.value.field, caught.value.message) == (field, message)
    assert _snapshot() == before


def test_update_refuses_moving_a_user_out_of_the_jurisdiction(
    tree: Tree, admin_a: User, officer_a: User
) -> None:
    # given
    before = _snapshot()
    # when
    with pytest.raises(DomainError) as caught:
        _update(admin_a, officer_a, org_unit=tree.prov_b)
    # then
    assert caught.value.field == "org_unit"
    assert caught.value.message == "Đơn vị: «T-B — Tỉnh B» nằm ngoài phạm vi quản lý của bạn."
    assert _snapshot() == before


def test_update_refuses_a_user_outside_the_jurisdiction(tree: Tree, admin_a: User) -> None:
    # given
    outsider = make_user(org_unit=tree.commune_b1, roles=("officer",))
    before = _snapshot()
    # when / then
    with pytest.raises(AccessDenied, match=re.escape("Bạn không được quản lý người dùng này.")):
        _update(admin_a, outsider, full_name="Đổi tên")
    assert _snapshot() == before


def test_update_refused_for_a_non_admin(tree: Tree, officer_a: User) -> None:
    # given
    colleague = make_user(org_unit=tree.prov_a, roles=("clerk",))
    before = _snapshot()
    # when / then
    with pytest.raises(AccessDenied):
        _update(officer_a, colleague, roles=["admin"])
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"is_active": False},
            "is_active",
            "Trạng thái hoạt động: bạn không thể tự khóa tài khoản của mình.",
        ),
        (
            {"roles": ["officer"]},
            "roles",
            "Vai trò: bạn không thể tự bỏ vai trò quản trị của mình.",
        ),
    ],
)
def test_update_refuses_an_admin_locking_themselves_out(
    tree: Tree, admin_a: User, overrides: dict[str, Any], field: str, message: str
) -> None:
    # given
    before = _snapshot()
    # when
    with pytest.raises(DomainError) as caught:
        _update(admin_a, admin_a, **overrides)
    # then
    assert (caught.value.field, caught.value.message) == (field, message)
    assert _snapshot() == before


def test_national_admin_places_a_user_who_had_no_unit(tree: Tree, national_admin: User) -> None:
    # given
    unplaced = make_user(org_unit=None, roles=())
    # when
    _update(national_admin, unplaced, org_unit=tree.branch_a1, roles=["member"])
    # then
    unplaced.refresh_from_db()
    assert unplaced.org_unit == tree.branch_a1
    assert list(unplaced.roles.values_list("code", flat=True)) == ["member"]


# --- password and sign-in trail ---------------------------------------------------------------


def test_password_change_sets_the_password_and_audits_a_marker(tree: Tree, officer_a: User) -> None:
    # when
    services.user_password_change(user=officer_a, password=NEW_PASSWORD, actor=officer_a)
    # then
    officer_a.refresh_from_db()
    assert officer_a.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="accounts.password.change")
    assert (event.actor, event.data) == (officer_a, {"password": "[changed]"})


def test_password_change_refuses_a_weak_password(tree: Tree, officer_a: User) -> None:
    # given
    before = _snapshot()
    # when / then
    with pytest.raises(DomainError, match=r"^Mật khẩu không đạt yêu cầu: ít hơn 12 ký tự\.$"):
        services.user_password_change(user=officer_a, password="short", actor=officer_a)
    assert _snapshot() == before
    assert User.objects.get(pk=officer_a.pk).check_password(TEST_PASSWORD)


def test_password_change_refuses_changing_someone_elses(
    tree: Tree, admin_a: User, officer_a: User
) -> None:
    # given
    before = _snapshot()
    # when / then
    with pytest.raises(AccessDenied):
        services.user_password_change(user=officer_a, password=NEW_PASSWORD, actor=admin_a)
    assert _snapshot() == before


def test_login_failure_record_keeps_the_username_and_links_the_account(
    tree: Tree, officer_a: User
) -> None:
    # when
    services.login_failure_record(username=" officer.a ")
    services.login_failure_record(username="khong.ton.tai")
    # then
    known, unknown = AuditEvent.objects.filter(action="accounts.login.failure").order_by("seq")
    assert (known.actor, known.target_id, known.org_unit, known.data) == (
        None,
        str(officer_a.pk),
        tree.prov_a,
        {"username": "officer.a"},
    )
    assert (unknown.actor, unknown.target_id, unknown.org_unit, unknown.data) == (
        None,
        "",
        None,
        {"username": "khong.ton.tai"},
    )
