"""Inspection pages: each participant sees their part, outsiders get 404, the unit sees no
findings before the notice, and the diff page shows the revision."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.accounts.tests.support import TwoFactorClient
from bvct.inspections import services
from bvct.inspections.models import Inspection, InspectionPlan
from bvct.inspections.selectors import inspection_attention
from bvct.inspections.tests.conftest import Side, decided, outline_template
from conftest import Tree

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 evidence"


def client_for(user: User) -> Client:
    client = TwoFactorClient()
    client.force_login(user)
    return client


def _in_progress(side: Side, tree: Tree) -> Inspection:
    inspection = decided(side, tree)
    services.outline_send(
        actor=side.head, inspection=inspection, template=outline_template(side, tree)
    )
    return Inspection.objects.get(pk=inspection.pk)


def test_plan_pages_for_the_inspecting_node(side: Side, tree: Tree) -> None:
    officer = client_for(side.officer)
    response = officer.post(
        reverse("inspections:plan-list"), {"year": "2026", "title": "KH 2026", "topics": "BVCTNB"}
    )
    plan = InspectionPlan.objects.get(title="KH 2026")
    assert response["Location"] == reverse("inspections:plan-detail", args=[plan.pk])
    bad = officer.post(
        reverse("inspections:plan-add-unit", args=[plan.pk]),
        {"unit": tree.commune_b1.code, "starts_on": "01/12/2026", "ends_on": "05/12/2026"},
        follow=True,
    )
    assert any("Xã B1" in str(m) for m in bad.context["messages"])
    officer.post(
        reverse("inspections:plan-add-unit", args=[plan.pk]),
        {"unit": tree.commune_a1.code, "starts_on": "01/12/2026", "ends_on": "05/12/2026"},
    )
    assert plan.inspections.count() == 1
    # another node's officer, and the unit itself, never reach the plan
    for user in (side.sibling, side.contact, side.superior):
        assert client_for(user).get(
            reverse("inspections:plan-detail", args=[plan.pk])
        ).status_code in {403, 404}


def test_the_unit_sees_its_part_only(side: Side, tree: Tree) -> None:
    inspection = _in_progress(side, tree)
    services.finding_add(
        actor=side.member,
        inspection=inspection,
        grade="violation",
        extent="isolated",
        text="Nội dung nội bộ của đoàn",
        evidence=("bien-ban.pdf", PDF),
    )
    url = reverse("inspections:inspection-detail", args=[inspection.pk])
    unit_page = client_for(side.contact).get(url).content.decode()
    team_page = client_for(side.member).get(url).content.decode()
    assert 'data-testid="report-form"' in unit_page
    assert "Nội dung nội bộ của đoàn" not in unit_page
    assert 'data-testid="sessions"' not in unit_page
    assert "Nội dung nội bộ của đoàn" in team_page
    evidence = inspection.documents.get(kind="evidence")
    assert (
        client_for(side.contact)
        .get(reverse("inspections:document", args=[evidence.pk]))
        .status_code
        == 404
    )
    assert (
        client_for(side.member).get(reverse("inspections:document", args=[evidence.pk])).status_code
        == 200
    )
    # outsiders: the unit's superior at the root, a sibling commune, an inspector not on the team
    stranger = make_user(org_unit=tree.prov_a, roles=(RoleCode.INSPECTOR,))
    for user in (side.superior, side.sibling, stranger):
        assert client_for(user).get(url).status_code == 404


def test_report_form_versions_and_diff(side: Side, tree: Tree) -> None:
    inspection = _in_progress(side, tree)
    first, second = list(inspection.sections.all())
    contact = client_for(side.contact)
    save = reverse("inspections:report-save", args=[inspection.pk])
    contact.post(save, {f"section_{first.pk}": "A", f"section_{second.pk}": "B", "submit": "1"})
    contact.post(save, {f"section_{first.pk}": "A", f"section_{second.pk}": "B\nC", "submit": "1"})
    assert [v.number for v in inspection.versions.all()] == [1, 2]
    diff = client_for(side.head).get(reverse("inspections:report-diff", args=[inspection.pk]))
    assert "+C" in diff.content.decode()
    # a comment from the team, refused from the unit
    v2 = inspection.versions.get(number=2)
    client_for(side.member).post(
        reverse("inspections:comment-add", args=[inspection.pk]),
        {"version": v2.pk, "section": second.pk, "text": "Bổ sung số liệu."},
    )
    client_for(side.contact).post(
        reverse("inspections:comment-add", args=[inspection.pk]),
        {"version": v2.pk, "section": second.pk, "text": "Tự góp ý."},
    )
    assert [c.text for c in v2.comments.all()] == ["Bổ sung số liệu."]


def test_remediation_from_the_page(side: Side, tree: Tree) -> None:
    inspection = _in_progress(side, tree)
    answers = {s.pk: "Nội dung" for s in inspection.sections.all()}
    services.report_save(actor=side.contact, inspection=inspection, answers=answers)
    services.report_submit(actor=side.contact, inspection=inspection)
    services.notice_issue(actor=side.approver, inspection=inspection, text="Kết luận.")
    head = client_for(side.head)
    head.post(
        reverse("inspections:remediation-add", args=[inspection.pk]),
        {"text": "Lập sổ.", "owner": side.contact.pk, "working_days": "10"},
    )
    item = inspection.remediation.get()
    assert item.due_on > timezone.localdate()

    none = client_for(side.contact).post(
        reverse("inspections:remediation-done", args=[inspection.pk]),
        {"item": item.pk},
        follow=True,
    )
    assert any("Tài liệu" in str(m) or "Evidence" in str(m) for m in none.context["messages"])
    client_for(side.contact).post(
        reverse("inspections:remediation-done", args=[inspection.pk]),
        {"item": item.pk, "file": SimpleUploadedFile("so.pdf", PDF)},
    )
    item.refresh_from_db()
    assert item.status == "done"
    client_for(side.officer).post(reverse("inspections:close", args=[inspection.pk]))
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.CLOSED


def test_home_page_alerts_for_the_unit_and_overdue_remediation(side: Side, tree: Tree) -> None:
    inspection = _in_progress(side, tree)

    def counts(user: User) -> dict[str, int]:
        with translation.override("en"):
            return {str(item.label): item.count for item in inspection_attention(user)}

    # the unit's contact is asked for the self-report until it is submitted
    assert counts(side.contact)["Self-reports to submit for an inspection"] == 1
    answers = {s.pk: "Nội dung" for s in inspection.sections.all()}
    services.report_save(actor=side.contact, inspection=inspection, answers=answers)
    services.report_submit(actor=side.contact, inspection=inspection)
    assert counts(side.contact)["Self-reports to submit for an inspection"] == 0
    item = services.remediation_add(
        actor=side.head, inspection=inspection, text="Lập sổ.", owner=side.contact, working_days=3
    )
    with time_machine.travel(dt.datetime.combine(item.due_on + dt.timedelta(days=1), dt.time(9))):
        for user in (side.contact, side.officer, side.head):
            assert counts(user)["Inspection remediation items past due"] == 1
        assert counts(side.sibling)["Inspection remediation items past due"] == 0
