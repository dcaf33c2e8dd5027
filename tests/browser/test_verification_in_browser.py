"""A verification letter in a real browser: the officer sends it from the case, the addressee's
officer finds it in the incoming list, acknowledges and answers it, and the case shows the answer
with the certification letter."""

from __future__ import annotations

import io

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.people.models import Relative
from bvct.people.tests.factories import make_person, make_relative
from bvct.verification.defaults import seed_default_reply_limits
from bvct.verification.models import VerificationRequest
from bvct.vetting.tests.factories import make_case
from conftest import Tree
from tests.browser.support import log_in, screenshot
from tests.browser.test_jurisdiction_in_browser import log_out

pytestmark = pytest.mark.browser


def _send(page: Page, base: str, case_pk: int, father_pk: int, unit_code: str) -> str:
    log_in(page, base, "officer")
    page.goto(f"{base}/cases/{case_pk}/")
    page.get_by_test_id("request-new").click()
    expect(page.get_by_test_id(f"verdict-{father_pk}")).to_be_visible()
    page.locator("[name=addressee_unit_code]").fill(unit_code)
    page.locator("[name=legal_basis]").fill("Hướng dẫn số 06 (ví dụ)")
    page.locator("[name=questions]").fill("Lịch sử chính trị của ông Lê Văn Hòa.")
    page.locator(f"#rel-{father_pk}").check()
    page.get_by_test_id("request-submit").click()
    reference = page.get_by_test_id("request-reference")
    expect(reference).to_contain_text("-CV/")
    text = reference.inner_text()
    log_out(page)
    return text


def _answer(page: Page, base: str, reference: str) -> None:
    log_in(page, base, "addressee")
    page.goto(f"{base}/requests/incoming/")
    page.get_by_role("link", name=reference).click()
    page.get_by_test_id("request-receive").click()
    expect(page.get_by_test_id("request-status")).to_be_visible()
    page.locator("[name=outcome]").select_option("certified_notes")
    page.get_by_test_id("reply-submit").click()
    # the notes are required for this outcome: the form says so, nothing is recorded
    expect(page.get_by_test_id("reply-form")).to_be_visible()
    page.locator("[name=text]").fill("Ông Lê Văn Hòa cư trú tại địa phương từ năm 1990.")
    page.get_by_test_id("reply-submit").click()
    expect(page.get_by_test_id("reply-outcome")).to_be_visible()
    screenshot(page, "verification-answered")
    log_out(page)


def test_a_letter_from_sending_to_the_recorded_reply(
    transactional_db: None, live_server: object, tree: Tree, page: Page
) -> None:
    # given an admission case in province A and a commune of province B to ask
    seed_default_reply_limits()
    make_user(org_unit=tree.commune_a1, roles=(RoleCode.OFFICER,), username="officer", clearance=2)
    make_user(
        org_unit=tree.commune_b1, roles=(RoleCode.OFFICER,), username="addressee", clearance=2
    )
    person = make_person(org_unit=tree.grassroots_a1, full_name="Lê Thị Ngọc Ánh")
    father = make_relative(
        person=person, relationship=Relative.Relationship.FATHER, full_name="Lê Văn Hòa"
    )
    case = make_case(person=person, status="verifying")
    base = str(live_server)
    # when the officer sends the letter and the addressee answers it
    reference = _send(page, base, case.pk, father.pk, tree.commune_b1.code)
    request = VerificationRequest.objects.get(case=case)
    assert request.reference == reference
    _answer(page, base, reference)
    # then the case page shows the answer, and the certification letter opens
    log_in(page, base, "officer")
    page.goto(f"{base}/cases/{case.pk}/")
    expect(page.get_by_test_id("case-request")).to_contain_text(reference)
    page.get_by_test_id("case-request").get_by_role("link", name=reference).click()
    with page.expect_download() as info:
        page.get_by_test_id("reply-download").click()
    document = Document(io.BytesIO(info.value.path().read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert reference in text
    assert "cư trú tại địa phương" in text
    request.refresh_from_db()
    assert request.status == VerificationRequest.Status.ANSWERED
