from __future__ import annotations

import pytest
from django.conf import settings
from django.template.loader import render_to_string

from bvct.accounts.tests.support import TwoFactorClient


@pytest.mark.django_db
def test_vietnamese_by_default_even_for_an_english_browser() -> None:
    # given a browser that prefers English
    client = TwoFactorClient(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    # when it opens the login page
    response = client.get("/accounts/login/")
    # then the page is in Vietnamese
    assert response["Content-Language"] == "vi"
    assert "Đăng nhập" in response.content.decode()


@pytest.mark.django_db
def test_english_when_the_user_chose_it() -> None:
    client = TwoFactorClient()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    response = client.get("/accounts/login/")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert response["Content-Language"] == "en"
    assert "Log in" in response.content.decode()


@pytest.mark.django_db
def test_out_of_scope_and_missing_pages_answer_in_vietnamese() -> None:
    client = TwoFactorClient()
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()


def test_error_pages_render_without_a_request() -> None:
    assert "Lỗi hệ thống" in render_to_string("500.html")
