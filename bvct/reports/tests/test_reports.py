"""Live figures, snapshots, exports, jurisdiction and the pages."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import docx
import openpyxl
import pytest
import time_machine
from django.http import Http404
from django.test import Client
from django.urls import reverse

from bvct.accounts.models import User
from bvct.accounts.tests.support import TwoFactorClient
from bvct.audit.models import AuditEvent
from bvct.core.errors import AccessDenied
from bvct.people.tests.factories import make_person
from bvct.reports import exports, services
from bvct.reports.models import PeriodicReport
from bvct.reports.tests.conftest import Readers
from bvct.vetting.tests.factories import make_case
from conftest import Tree

D = dt.date
NOW = dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _row(data: dict[str, Any], section: str, key: str) -> dict[str, Any]:
    block = next(s for s in data["sections"] if s["key"] == section)
    return next(r for r in block["rows"] if r["key"] == key)


def _cases(tree: Tree) -> None:
    for unit, n in (
        (tree.commune_a1, 2),
        (tree.grassroots_a1, 1),
        (tree.commune_a2, 3),
        (tree.prov_a, 1),
        (tree.commune_b1, 4),
    ):
        for _ in range(n):
            make_case(org_unit=unit)


def test_live_figures_roll_up_and_stay_in_the_jurisdiction(tree: Tree, readers: Readers) -> None:
    _cases(tree)
    data = services.figures(
        actor=readers.approver_prov, node=tree.prov_a, period="half", year=2026, part=2
    ).as_data()
    row = _row(data, "cases", "opened_admission")
    names = [c["name"] for c in data["children"]]
    assert names == ["Xã A1", "Xã A2"]
    assert (row["total"], row["own"], row["by_child"]) == (7, 1, [3, 3])  # Tỉnh B's 4 are not here
    with pytest.raises(Http404):  # a commune does not read its province, nor a sibling
        services.figures(
            actor=readers.approver_a1, node=tree.prov_a, period="half", year=2026, part=2
        )
    with pytest.raises(Http404):
        services.figures(
            actor=readers.approver_a1, node=tree.commune_a2, period="half", year=2026, part=2
        )
    with pytest.raises(Http404):
        services.figures(
            actor=readers.clerk_a1, node=tree.commune_a1, period="half", year=2026, part=2
        )
    own = services.figures(
        actor=readers.approver_a1, node=tree.commune_a1, period="half", year=2026, part=2
    ).as_data()
    assert _row(own, "cases", "opened_admission")["total"] == 3


def test_a_submitted_report_is_frozen_numbered_and_sent_up(tree: Tree, readers: Readers) -> None:
    _cases(tree)
    report = services.report_submit(
        actor=readers.approver_prov, node=tree.prov_a, period="half", year=2026, part=2
    )
    assert report.reference == "Số 01-BC/TU"
    assert report.submitted_to == tree.root
    assert _row(report.data, "cases", "opened_admission")["total"] == 7
    # records change afterwards: the live figure moves, the snapshot does not
    make_case(org_unit=tree.commune_a1)
    make_person(org_unit=tree.commune_a2)
    live = services.figures(
        actor=readers.approver_prov, node=tree.prov_a, period="half", year=2026, part=2
    ).as_data()
    assert _row(live, "cases", "opened_admission")["total"] == 8
    report.refresh_from_db()
    assert _row(report.data, "cases", "opened_admission")["total"] == 7
    again = services.report_submit(
        actor=readers.approver_prov, node=tree.prov_a, period="half", year=2026, part=2
    )
    assert (again.version, again.reference) == (2, "Số 02-BC/TU")
    assert AuditEvent.objects.filter(action="reports.report.submit").count() == 2
    with pytest.raises(AccessDenied):  # only the node's own approver submits
        services.report_submit(
            actor=readers.approver_prov, node=tree.commune_a1, period="half", year=2026, part=2
        )


def test_exports_open_and_carry_the_figures(tree: Tree, readers: Readers) -> None:
    _cases(tree)
    report = services.report_submit(
        actor=readers.approver_prov, node=tree.prov_a, period="half", year=2026, part=2
    )
    book = openpyxl.load_workbook(io.BytesIO(exports.xlsx(report.data, reference=report.reference)))
    assert book.sheetnames[:2] == ["Thẩm tra - kết luận", "Đề nghị xác minh"]
    rows = [list(r) for r in book["Thẩm tra - kết luận"].iter_rows(values_only=True)]
    assert rows[2] == ["Nội dung", "Tổng số", "Cấp mình (T-A)", "Xã A1", "Xã A2"]
    assert ["Hồ sơ thẩm tra lý lịch người vào Đảng được mở", 7, 1, 3, 3] in rows
    assert "Thời hạn" in book.sheetnames
    document = docx.Document(
        io.BytesIO(exports.docx(report.data, reference=report.reference, day=D(2026, 12, 3)))
    )
    header = " ".join(c.text for c in document.tables[0].rows[0].cells)
    assert "Số 01-BC/TU" in header
    assert "TỈNH A" in header
    text = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO" in text
    assert "6 tháng cuối năm 2026" in text
    assert "I. THẨM TRA, THẨM ĐỊNH, KẾT LUẬN" in text
    cells = [[c.text for c in r.cells] for r in document.tables[1].rows]
    assert cells[0] == ["Nội dung", "Cấp mình", "Đơn vị trực thuộc", "Tổng số"]
    assert ["Hồ sơ thẩm tra lý lịch người vào Đảng được mở", "1", "6", "7"] in cells


def _client(user: User) -> Client:
    client = TwoFactorClient()
    client.force_login(user)
    return client


def test_pages_side_by_side_and_scoped(tree: Tree, readers: Readers) -> None:
    _cases(tree)
    approver_a2 = readers.officer_a2
    services.report_submit(
        actor=readers.approver_a1, node=tree.commune_a1, period="half", year=2026, part=2
    )
    prov = _client(readers.approver_prov)
    page = prov.get(
        reverse("reports:received"), {"period": "half", "year": "2026", "part": "2"}
    ).content.decode()
    assert "Xã A1" in page
    assert "Số 01-BC/ĐU" in page
    assert "1 đơn vị chưa gửi" in page  # Xã A2 has not
    report = PeriodicReport.objects.get()
    assert prov.get(reverse("reports:detail", args=[report.pk])).status_code == 200
    assert _client(approver_a2).get(reverse("reports:detail", args=[report.pk])).status_code == 404
    assert (
        _client(readers.officer_root).get(reverse("reports:detail", args=[report.pk])).status_code
        == 200
    )
    live = _client(readers.approver_a1).get(reverse("reports:periodic"), {"node": "T-A"})
    assert live.status_code == 404  # a commune sees only its own
    xlsx = prov.get(reverse("reports:detail-export", args=[report.pk]), {"format": "xlsx"})
    assert xlsx["Content-Disposition"].startswith(
        'attachment; filename="bao-cao-X-A1-2026-half2-v1.xlsx"'
    )
    dashboard = prov.get(reverse("reports:dashboard")).content.decode()
    for chart in ("chart-cases", "chart-outcomes", "chart-requests", "chart-inspections"):
        assert f'data-testid="{chart}"' in dashboard
        assert f'data-testid="{chart}-table"' in dashboard
    assert "<script" not in dashboard.split("<main")[-1].split("</main>")[0]


def test_submitting_from_the_page(tree: Tree, readers: Readers) -> None:
    client = _client(readers.approver_a1)
    response = client.post(
        reverse("reports:submit"), {"node": "X-A1", "period": "half", "year": "2026", "part": "2"}
    )
    report = PeriodicReport.objects.get()
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    refused = client.post(
        reverse("reports:submit"), {"node": "X-A1", "period": "year", "year": "2027", "part": "1"}
    )
    assert refused.status_code == 302
    assert PeriodicReport.objects.count() == 1
