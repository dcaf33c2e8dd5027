from __future__ import annotations

import datetime as dt

import time_machine

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.audit.models import AuditEvent
from bvct.declarations import services
from bvct.declarations.demo import load_demo_declarations
from bvct.declarations.models import Declaration
from bvct.people.tests.factories import make_person
from conftest import Tree


def test_nothing_happens_without_the_demo_members_record(tree: Tree) -> None:
    make_user(org_unit=tree.branch_a1, roles=(RoleCode.MEMBER,), username="member")
    assert load_demo_declarations() is None
    assert (Declaration.objects.count(), AuditEvent.objects.count()) == (0, 0)


@time_machine.travel(dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC), tick=False)
def test_demo_member_gets_a_submitted_version_and_a_draft_to_fix(tree: Tree) -> None:
    # given the demo member linked to their record
    member = make_user(org_unit=tree.branch_a1, roles=(RoleCode.MEMBER,), username="member")
    person = make_person(org_unit=tree.branch_a1, full_name="Hoàng Văn Bình", account=member)
    # when
    draft = load_demo_declarations()
    # then
    versions = list(Declaration.objects.filter(person=person).order_by("number"))
    assert [(v.number, v.status, v.channel) for v in versions] == [
        (1, "submitted", "portal"),
        (2, "draft", "portal"),
    ]
    assert draft == versions[1]
    assert versions[0].findings == []
    assert versions[1].based_on == versions[0]
    findings = services.declaration_lint(versions[1], today=dt.date(2026, 6, 15))
    assert [(f.severity, f.message) for f in findings] == [
        ("error", "Hoàn cảnh gia đình, dòng 5: thiếu năm sinh của Hoàng Minh An."),
        (
            "warning",
            "Quá trình công tác và học tập, dòng 4: 5 tháng không khai (từ 01/2025 đến "
            "05/2025), quá 3 tháng. Hãy khai rõ thời gian đó làm gì.",
        ),
    ]
    # and running it again changes nothing
    state = (Declaration.objects.count(), AuditEvent.objects.count())
    assert load_demo_declarations() is None
    assert (Declaration.objects.count(), AuditEvent.objects.count()) == state
