"""The people of an inspection on the shared tree, and helpers that bring one to a stage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.inspections import services
from bvct.inspections.models import Inspection, OutlineTemplate, OutlineTemplateSection
from conftest import Tree

D = dt.date


@dataclass
class Side:
    officer: User  # prov_a
    approver: User  # prov_a
    head: User  # inspector, prov_a
    member: User  # inspector, commune_a2
    local_inspector: User  # inspector, commune_a1 (the inspected unit)
    contact: User  # clerk, commune_a1
    superior: User  # officer at the root
    sibling: User  # officer, commune_a2


@pytest.fixture
def side(tree: Tree) -> Side:
    return Side(
        officer=make_user(org_unit=tree.prov_a, roles=(RoleCode.OFFICER,)),
        approver=make_user(org_unit=tree.prov_a, roles=(RoleCode.APPROVER,)),
        head=make_user(org_unit=tree.prov_a, roles=(RoleCode.INSPECTOR,), full_name="Trưởng đoàn"),
        member=make_user(org_unit=tree.commune_a2, roles=(RoleCode.INSPECTOR,)),
        local_inspector=make_user(
            org_unit=tree.grassroots_a1, roles=(RoleCode.INSPECTOR,), full_name="Người trong đơn vị"
        ),
        contact=make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,)),
        superior=make_user(org_unit=tree.root, roles=(RoleCode.OFFICER,)),
        sibling=make_user(org_unit=tree.commune_a2, roles=(RoleCode.OFFICER,)),
    )


def outline_template(side: Side, tree: Tree) -> OutlineTemplate:
    template = OutlineTemplate.objects.create(
        org_unit=tree.prov_a, title="Đề cương báo cáo", created_by=side.officer
    )
    for position, title in enumerate(("Lãnh đạo, chỉ đạo", "Kết quả thực hiện"), start=1):
        OutlineTemplateSection.objects.create(
            template=template, position=position, title=title, questions="Nêu rõ."
        )
    return template


def decided(side: Side, tree: Tree) -> Inspection:
    plan = services.plan_create(
        actor=side.officer, year=2026, title="Kế hoạch kiểm tra 2026", topics="Công tác BVCTNB"
    )
    inspection = services.plan_add_unit(
        actor=side.officer,
        plan=plan,
        unit=tree.commune_a1,
        starts_on=D(2026, 12, 1),
        ends_on=D(2026, 12, 20),
    )
    services.plan_approve(actor=side.approver, plan=plan)
    services.decision_issue(
        actor=side.approver,
        inspection=inspection,
        team=[(side.head, "head"), (side.member, "member")],
    )
    services.contact_add(actor=side.officer, inspection=inspection, user=side.contact)
    return Inspection.objects.get(pk=inspection.pk)


def send_outline(side: Side, tree: Tree, inspection: Inspection) -> Inspection:
    return services.outline_send(
        actor=side.head, inspection=inspection, template=outline_template(side, tree)
    )
