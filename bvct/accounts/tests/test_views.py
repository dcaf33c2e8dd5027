from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from bvct.accounts.models import Clearance, User
from bvct.accounts.tests.factories import TEST_PASSWORD, make_user
from bvct.accounts.tests.support import TwoFactorClient, log_in_with_code
from bvct.audit.models import AuditEvent
from conftest import Tree

NEW_PASSWORD = "mật-khẩu-đủ-dài-2026"
HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def _client(user: User) -> Client:
    client = TwoFactorClient()
    client.force_login(user)
    return client


def _snapshot() -> tuple[list[tuple[Any, ...]], int]:
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


def _create_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "username": "lan.pt",
        "full_name": "Phạm Thị Lan",
        "org_unit_code": "x-a1",
        "roles": ["clerk", "officer"],
        "clearance": "1",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


# --- user list --------------------------------------------------------------------------------


def test_list_shows_the_users_in_scope_with_unit_roles_clearance(
    tree: Tree, admin_a: User, officer_a: User
) -> None:
    # given
    make_user(org_unit=tree.commune_b1, roles=("officer",), username="ngoai.pham.vi")
    # when
    response = _client(admin_a).get(reverse("accounts:user-list"))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert html.count('data-testid="user-row"') == 2
    assert "officer.a" in html
    assert "Nguyễn Văn Đức" in html
    assert "Chuyên viên" in html
    assert "Tỉnh A" in html
    assert "ngoai.pham.vi" not in html


def test_list_htmx_request_gets_only_the_results_partial(
    tree: Tree, admin_a: User, officer_a: User
) -> None:
    # when
    response = _client(admin_a).get(reverse("accounts:user-list"), {"q": "nguyen duc"}, **HTMX)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.count('data-testid="user-row"') == 1
    assert "officer.a" in html
    assert "1 người dùng" in html


def test_list_shows_an_empty_state_and_filters(tree: Tree, admin_a: User) -> None:
    # when
    response = _client(admin_a).get(
        reverse("accounts:user-list"), {"role": "auditor", "status": "inactive"}
    )
    # then
    html = response.content.decode()
    assert 'data-testid="user-empty"' in html
    assert '<option value="auditor" selected>' in html
    assert '<option value="inactive" selected>' in html


def test_list_paginates_and_keeps_the_filters(tree: Tree, admin_a: User) -> None:
    # given
    for n in range(51):
        make_user(org_unit=tree.commune_a1, roles=("clerk",), username=f"clerk{n:02d}")
    # when
    response = _client(admin_a).get(reverse("accounts:user-list"), {"role": "clerk", "page": "2"})
    # then
    html = response.content.decode()
    assert html.count('data-testid="user-row"') == 1
    assert "Trang 2/2" in html
    assert "?role=clerk&amp;page=1" in html


def test_list_query_count_does_not_grow_with_rows(
    tree: Tree, admin_a: User, django_assert_num_queries: Any
) -> None:
    # given
    for n in range(5):
        make_user(org_unit=tree.commune_a1, roles=("clerk", "officer"), username=f"u{n}")
    client = _client(admin_a)
    # when / then: session, actor, the device that verified the session (two-step login), the
    # search rate counter, actor's roles, actor's unit, count, page, roles of the page
    with django_assert_num_queries(9):
        response = client.get(reverse("accounts:user-list"), **HTMX)
    assert response.content.decode().count('data-testid="user-row"') == 6


@pytest.mark.parametrize("name", ["accounts:user-list", "accounts:user-create"])
def test_non_admin_is_refused(tree: Tree, officer_a: User, name: str) -> None:
    # when
    response = _client(officer_a).get(reverse(name))
    # then
    assert response.status_code == 403


def test_anonymous_is_sent_to_login(tree: Tree) -> None:
    # when
    response = TwoFactorClient().get(reverse("accounts:user-list"))
    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/users/"


# --- create -----------------------------------------------------------------------------------


def test_create_form_renders_labels_checkboxes_and_clearance(tree: Tree, admin_a: User) -> None:
    # when
    response = _client(admin_a).get(reverse("accounts:user-create"))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Thêm người dùng" in html
    for label in (
        "Tên đăng nhập",
        "Họ và tên",
        "Mã đơn vị",
        "Mức được tiếp cận bí mật",
        "Nhập lại mật khẩu",
    ):
        assert label in html
    assert html.count('type="checkbox" name="roles"') == 8
    assert '<option value="2">Tối mật</option>' in html


def test_create_makes_the_user_and_redirects(tree: Tree, admin_a: User) -> None:
    # when
    response = _client(admin_a).post(reverse("accounts:user-create"), _create_data())
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user-list")
    user = User.objects.get(username="lan.pt")
    assert (user.full_name, user.org_unit, user.clearance) == (
        "Phạm Thị Lan",
        tree.commune_a1,
        Clearance.MAT,
    )
    assert sorted(user.roles.values_list("code", flat=True)) == ["clerk", "officer"]
    assert (
        AuditEvent.objects.filter(action="accounts.user.create", target_id=str(user.pk)).count()
        == 1
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"org_unit_code": "X-B1"},
            "Mã đơn vị: không có đơn vị «X-B1» trong phạm vi quản lý của bạn.",
        ),
        (
            {"org_unit_code": "KHONG-CO"},
            "Mã đơn vị: không có đơn vị «KHONG-CO» trong phạm vi quản lý của bạn.",
        ),
        ({"password2": "khac-hoan-toan-2026"}, "Nhập lại mật khẩu: hai mật khẩu không khớp nhau."),
        (
            {"password1": "ngan", "password2": "ngan"},
            "Mật khẩu không đạt yêu cầu: ít hơn 12 ký tự.",
        ),
        (
            {"clearance": "2"},
            "Mức được tiếp cận bí mật: bạn không thể cấp «Tối mật» "
            "vì cao hơn mức của chính bạn (Mật).",
        ),
        (
            {"org_unit_code": ""},
            "Đơn vị: người dùng có vai trò nghiệp vụ (Cán bộ nghiệp vụ, Chuyên viên) "
            "phải thuộc một đơn vị.",
        ),
        ({"username": "admin.a"}, "Tên đăng nhập: «admin.a» đã được sử dụng."),
    ],
)
def test_create_shows_inline_errors_and_changes_nothing(
    tree: Tree, admin_a: User, overrides: dict[str, Any], message: str
) -> None:
    # given
    before = _snapshot()
    # when
    response = _client(admin_a).post(reverse("accounts:user-create"), _create_data(**overrides))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<div class="invalid-feedback d-block" role="alert">{message}</div>' in html
    assert _snapshot() == before


def test_create_by_a_non_admin_is_refused_and_changes_nothing(tree: Tree, officer_a: User) -> None:
    # given
    before = _snapshot()
    # when
    response = _client(officer_a).post(reverse("accounts:user-create"), _create_data())
    # then
    assert response.status_code == 403
    assert _snapshot() == before


def test_unit_preview_names_the_unit_typed_in(tree: Tree, admin_a: User) -> None:
    # given
    client = _client(admin_a)
    url = reverse("accounts:user-create")
    # when
    found = client.get(url, {"org_unit_code": "b-a1"}, **HTMX).content.decode()
    outside = client.get(url, {"org_unit_code": "X-B1"}, **HTMX).content.decode()
    # then
    assert "<html" not in found
    assert "Chi bộ A1" in found
    assert "Xã B1" not in outside
    assert "Không có đơn vị «X-B1» trong phạm vi quản lý của bạn." in outside


# --- update -----------------------------------------------------------------------------------


def test_update_form_shows_the_current_values(tree: Tree, admin_a: User, officer_a: User) -> None:
    # when
    response = _client(admin_a).get(reverse("accounts:user-update", args=[officer_a.pk]))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sửa người dùng officer.a" in html
    assert 'value="Nguyễn Văn Đức"' in html
    assert 'value="T-A"' in html
    assert 'id="id_roles_1" checked' in html
    assert '<option value="1" selected>Mật</option>' in html
    assert 'id="id_is_active" checked' in html


def test_update_saves_and_redirects(tree: Tree, admin_a: User, officer_a: User) -> None:
    # given
    data = {
        "full_name": "Nguyễn Văn Đạt",
        "org_unit_code": "X-A2",
        "roles": ["approver"],
        "clearance": "0",
    }  # is_active unticked
    # when
    response = _client(admin_a).post(reverse("accounts:user-update", args=[officer_a.pk]), data)
    # then
    assert response.status_code == 302
    officer_a.refresh_from_db()
    assert (officer_a.full_name, officer_a.org_unit, officer_a.clearance, officer_a.is_active) == (
        "Nguyễn Văn Đạt",
        tree.commune_a2,
        Clearance.NONE,
        False,
    )
    assert AuditEvent.objects.filter(action="accounts.user.update").count() == 1


def test_update_shows_a_service_refusal_inline(tree: Tree, admin_a: User) -> None:
    # given
    before = _snapshot()
    data = {
        "full_name": "Quản trị Tỉnh A",
        "org_unit_code": "T-A",
        "roles": ["admin"],
        "clearance": "1",
    }  # is_active unticked: the admin would lock themselves out
    # when
    response = _client(admin_a).post(reverse("accounts:user-update", args=[admin_a.pk]), data)
    # then
    assert response.status_code == 200
    assert "bạn không thể tự khóa tài khoản của mình." in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_update_answers_404_out_of_scope_like_missing(
    tree: Tree, admin_a: User, method: str
) -> None:
    # given
    outsider = make_user(org_unit=tree.prov_b, roles=("officer",), full_name="Ngoài Phạm Vi")
    before = _snapshot()
    client = _client(admin_a)
    data = {"full_name": "Đổi", "org_unit_code": "T-B", "roles": ["admin"], "clearance": "0"}
    # when
    out_of_scope = getattr(client, method)(
        reverse("accounts:user-update", args=[outsider.pk]), data
    )
    missing = getattr(client, method)(reverse("accounts:user-update", args=[999_999]), data)
    # then
    assert (out_of_scope.status_code, missing.status_code) == (404, 404)
    assert _snapshot() == before


def test_update_by_a_non_admin_is_refused_and_changes_nothing(tree: Tree, officer_a: User) -> None:
    # given
    colleague = make_user(org_unit=tree.prov_a, roles=("clerk",))
    before = _snapshot()
    data = {
        "full_name": "X",
        "org_unit_code": "T-A",
        "roles": ["admin"],
        "clearance": "3",
        "is_active": "on",
    }
    # when
    response = _client(officer_a).post(reverse("accounts:user-update", args=[colleague.pk]), data)
    # then
    assert response.status_code == 403
    assert _snapshot() == before


# --- sign-in trail ----------------------------------------------------------------------------


def test_login_page_renders(tree: Tree) -> None:
    # when
    response = TwoFactorClient().get(reverse("accounts:login"))
    # then
    assert response.status_code == 200
    assert "Đăng nhập BVCT" in response.content.decode()


def test_login_success_is_audited(tree: Tree, officer_a: User) -> None:
    # when the officer logs in with the password, then the code
    response = log_in_with_code(TwoFactorClient(), officer_a, TEST_PASSWORD)
    # then both steps are in the trail
    assert response.status_code == 302
    events = [
        (event.action, event.actor, event.target_id, event.org_unit, event.data)
        for event in AuditEvent.objects.order_by("seq")
    ]
    assert events == [
        ("accounts.login.password", officer_a, str(officer_a.pk), tree.prov_a, {}),
        (
            "accounts.login.success",
            officer_a,
            str(officer_a.pk),
            tree.prov_a,
            {"second_factor": "totp"},
        ),
    ]


def test_login_failure_is_audited_with_the_username_only(tree: Tree, officer_a: User) -> None:
    # when
    response = TwoFactorClient().post(
        reverse("accounts:login"), {"username": "officer.a", "password": "sai-mat-khau-roi"}
    )
    # then
    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.target_id, event.data) == (
        "accounts.login.failure",
        None,
        str(officer_a.pk),
        {"username": "officer.a"},
    )
    assert "sai-mat-khau-roi" not in str(event.data)


def test_login_of_an_inactive_user_fails_and_is_audited(tree: Tree) -> None:
    # given
    make_user(org_unit=tree.prov_a, roles=("clerk",), username="da.nghi", is_active=False)
    # when
    response = TwoFactorClient().post(
        reverse("accounts:login"), {"username": "da.nghi", "password": TEST_PASSWORD}
    )
    # then
    assert response.status_code == 200
    assert list(AuditEvent.objects.values_list("action", "data")) == [
        ("accounts.login.failure", {"username": "da.nghi"})
    ]


def test_logout_is_audited(tree: Tree, officer_a: User) -> None:
    # given
    client = _client(officer_a)
    # when
    response = client.post(reverse("accounts:logout"))
    # then
    assert response.status_code == 302
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.target_id) == (
        "accounts.logout",
        officer_a,
        str(officer_a.pk),
    )
    assert client.get(reverse("core:home")).status_code == 302


def test_password_change_page_renders_and_changes_with_an_event(
    tree: Tree, officer_a: User
) -> None:
    # given
    client = _client(officer_a)
    # when
    page = client.get(reverse("accounts:password-change"))
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    # then
    assert page.status_code == 200
    assert "Đổi mật khẩu" in page.content.decode()
    assert response.status_code == 302
    officer_a.refresh_from_db()
    assert officer_a.check_password(NEW_PASSWORD)
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["accounts.password.change"]
    assert client.get(reverse("core:home")).status_code == 200  # still logged in


def test_home_shows_the_admin_the_users_needing_attention(tree: Tree, admin_a: User) -> None:
    # given
    make_user(org_unit=tree.commune_a1, roles=(), username="chua.co.vai.tro")
    # when
    response = _client(admin_a).get(reverse("core:home"))
    # then
    html = response.content.decode()
    assert "Người dùng chưa có vai trò hoặc chưa thuộc đơn vị" in html
    assert 'href="/accounts/users/?incomplete=1"' in html
