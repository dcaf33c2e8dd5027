"""Passwords (issue 11 item 3): Argon2id, at least 12 characters, 64 and more accepted, common
passwords refused, no forced rotation; a long password logs in."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import override_settings
from django.urls import reverse

from bvct.accounts import services
from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.accounts.tests.support import TwoFactorClient
from bvct.core.errors import DomainError
from config.settings import base
from conftest import Tree

LONG = "Một câu mật khẩu rất dài của cán bộ văn thư phường Hoàn Kiếm, năm 2026, đủ 64 ký tự trở lên"


def test_production_hashes_with_argon2id_first() -> None:
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    names = [str(v["NAME"]) for v in base.AUTH_PASSWORD_VALIDATORS]  # type: ignore[index]
    assert not any("Rotation" in name or "Expir" in name for name in names)


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_a_password_is_stored_as_argon2id_and_long_ones_log_in(tree: Tree) -> None:
    assert len(LONG) >= 64
    user = make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))
    services.user_password_change(user=user, password=LONG, actor=user)
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    client = TwoFactorClient()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": LONG})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ngắn-2026x", "12"),  # 10 characters
        ("password1234", "phổ biến"),  # a common password
        ("123456789012345", "số"),  # digits only
    ],
)
def test_weak_passwords_are_refused_with_the_reason(tree: Tree, password: str, reason: str) -> None:
    user = make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))
    with pytest.raises(DomainError) as error:
        services.user_password_change(user=user, password=password, actor=user)
    assert error.value.field == "password"
    assert reason in error.value.message


def test_test_settings_only_speed_up_hashing() -> None:
    # the test run uses a fast hasher; production settings are checked above
    assert django_settings.AUTH_PASSWORD_VALIDATORS == base.AUTH_PASSWORD_VALIDATORS
