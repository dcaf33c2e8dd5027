"""A trip abroad in a real browser: the member applies in the portal, the chi bộ gives its
opinion, the committee approves, and the member reports the return."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.people.tests.factories import make_person
from bvct.travel.models import TravelApplication
from conftest import Tree
from tests.browser.support import log_in, screenshot
from tests.browser.test_jurisdiction_in_browser import log_out

pytestmark = pytest.mark.browser


def test_a_trip_from_application_to_return_report(
    transactional_db: None, live_server: object, tree: Tree, page: Page
) -> None:
    member = make_user(org_unit=tree.branch_a1, roles=(RoleCode.MEMBER,), username="member")
    make_person(org_unit=tree.branch_a1, account=member, full_name="Hoàng Văn Bình")
    make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,), username="clerk")
    make_user(org_unit=tree.commune_a1, roles=(RoleCode.APPROVER,), username="approver")
    base = str(live_server)
    today = timezone.localdate().strftime("%d/%m/%Y")

    # the member applies; a missing country is refused with the field named
    log_in(page, base, "member")
    page.goto(f"{base}/travel/mine/")
    page.get_by_test_id("travel-apply").click()
    page.locator("#departs_on").fill(today)
    page.locator("#returns_on").fill(today)
    page.get_by_test_id("apply-submit").click()
    expect(page.get_by_test_id("form-error")).to_be_visible()
    page.locator("#countries").fill("Nhật Bản")
    page.get_by_test_id("apply-submit").click()
    expect(page.get_by_test_id("travel-status")).to_have_text("Đã nộp chi bộ")
    application = TravelApplication.objects.get()
    log_out(page)

    # the chi bộ's opinion, then the committee's decision
    log_in(page, base, "clerk")
    page.goto(f"{base}/travel/{application.pk}/")
    page.locator("#opinion").fill("Chi bộ đồng ý.")
    page.get_by_test_id("opinion-submit").click()
    expect(page.get_by_test_id("travel-status")).to_have_text("Chờ cấp ủy quyết định")
    log_out(page)
    log_in(page, base, "approver")
    page.goto(f"{base}/travel/")
    expect(page.get_by_test_id("travel-pending")).to_contain_text("Hoàng Văn Bình")
    page.goto(f"{base}/travel/{application.pk}/")
    page.get_by_test_id("decide-approve").click()
    expect(page.get_by_test_id("travel-status")).to_have_text("Đã phê duyệt")
    log_out(page)

    # the member reports the return
    log_in(page, base, "member")
    page.goto(f"{base}/travel/mine/{application.pk}/")
    page.locator("#reentered_on").fill(today)
    page.locator("#report-content").fill("Đi du lịch cùng gia đình, không có vấn đề phát sinh.")
    page.get_by_test_id("return-submit").click()
    expect(page.get_by_test_id("return-report")).to_contain_text("không có vấn đề phát sinh")
    screenshot(page, "travel-reported")
    application.refresh_from_db()
    assert application.report.content.startswith("Đi du lịch")
    assert application.report_due_on is not None
