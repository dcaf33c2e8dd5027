"""The issue's walkthrough on the demo: the Hà Nội approver produces the six-month report,
exports it and submits it; the Trung ương officer sees it among the reports received."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from bvct.accounts.models import User
from bvct.accounts.tests.support import TwoFactorClient
from bvct.core.demo import demo_load
from bvct.reports.models import PeriodicReport


def _client(username: str) -> Client:
    client = TwoFactorClient()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.django_db
def test_ha_noi_approver_submits_the_six_month_report_and_the_centre_sees_it() -> None:
    demo_load()
    approver = _client("hn.approver")
    assert approver.get(reverse("reports:dashboard")).status_code == 200
    page = approver.get(reverse("reports:periodic"), {"period": "half"})
    assert page.status_code == 200
    assert "Đảng bộ phường Hoàn Kiếm" in page.content.decode()  # a ward under Hà Nội
    for fmt in ("xlsx", "docx"):
        download = approver.get(
            reverse("reports:periodic-export"), {"period": "half", "format": fmt}
        )
        assert download.status_code == 200
        assert f'.{fmt}"; filename*=UTF-8' in download["Content-Disposition"]
    response = approver.post(reverse("reports:submit"), {"period": "half"})
    report = PeriodicReport.objects.get()
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    assert report.org_unit.code == "T01"
    assert report.reference == "Số 01-BC/TU"
    received = _client("tw.officer").get(reverse("reports:received"), {"period": "half"})
    body = received.content.decode()
    assert "Số 01-BC/TU" in body
    assert "Đảng bộ thành phố Hà Nội" in body
    # Đà Nẵng's officer is not above Hà Nội: the report is not theirs to read
    assert _client("dn.officer").get(reverse("reports:detail", args=[report.pk])).status_code == 404
