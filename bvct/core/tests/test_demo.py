"""The demo: idempotent, every login works with the published password, refused in production.

Each test that loads the demo loads the official tree (3,361 units) once: a few seconds.
"""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from bvct.access import policy
from bvct.accounts.models import Clearance, User
from bvct.accounts.services import demo_code
from bvct.accounts.tests.support import TwoFactorClient
from bvct.audit.models import AuditEvent
from bvct.core.demo import DEMO_PASSWORD, DemoRefusedError, demo_load
from bvct.criteria.models import RuleSetVersion
from bvct.declarations.models import Declaration
from bvct.orgs.models import OrgUnit
from bvct.people.models import Person
from bvct.verification.models import VerificationRequest
from bvct.vetting.models import Case, CaseConclusion, CaseNotice, Explanation

# username -> (unit code, roles, clearance)
EXPECTED_USERS = {
    "tw.officer": ("TW", ["officer"], Clearance.TOI_MAT),
    "hn.officer": ("T01", ["officer"], Clearance.MAT),
    "hn.approver": ("T01", ["approver"], Clearance.TOI_MAT),
    "hn.auditor": ("T01", ["auditor"], Clearance.NONE),
    "hn.xa.clerk": ("X00070", ["clerk"], Clearance.NONE),
    "hn.xa.approver": ("X00070", ["approver"], Clearance.MAT),
    "dn.officer": ("T48", ["officer"], Clearance.MAT),
    "hn.inspector": ("T01", ["inspector"], Clearance.MAT),
    "hn.registrar": ("T01", ["registrar"], Clearance.TOI_MAT),
    "hn.vanthu": ("T01", ["registrar"], Clearance.MAT),
    "admin": ("TW", ["admin"], Clearance.TOI_MAT),
    "member": ("DEMO-HK-DLHG-LH", ["member"], Clearance.NONE),
    "ung.vien": ("DEMO-HK-DLHG-LH", ["member"], Clearance.NONE),
}


def _counts() -> dict[str, int]:
    return {
        "units": OrgUnit.objects.count(),
        "demo_units": OrgUnit.objects.filter(code__startswith="DEMO-").count(),
        "users": User.objects.count(),
        "roles": User.roles.through.objects.count(),
        "demo_events": AuditEvent.objects.filter(action="core.demo.load").count(),
    }


def _user_state(username: str) -> tuple[str, list[str], int, bool]:
    user = User.objects.select_related("org_unit").get(username=username)
    assert user.org_unit is not None
    return (
        user.org_unit.code,
        sorted(user.roles.values_list("code", flat=True)),
        user.clearance,
        user.is_active,
    )


def test_demo_twice_yields_the_same_data_and_restores_the_demo_users(db: None) -> None:
    # given a first run, after which someone changed a demo user
    first = demo_load()
    after_first = _counts()
    hn_officer = User.objects.get(username="hn.officer")
    hn_officer.set_password("something-else-entirely")
    hn_officer.is_active = False
    hn_officer.clearance = Clearance.NONE
    hn_officer.save()
    hn_officer.roles.set([])
    # when
    second = demo_load()
    # then
    assert (first.units_created, first.users_created) == (14, len(EXPECTED_USERS))
    assert (second.units_created, second.users_created) == (0, 0)
    assert after_first == {
        "units": 1 + 6 + 34 + 3321 + 14,
        "demo_units": 14,
        "users": len(EXPECTED_USERS),
        "roles": len(EXPECTED_USERS),
        "demo_events": 1,
    }
    assert _counts() == {**after_first, "demo_events": 2}
    assert _user_state("hn.officer") == ("T01", ["officer"], Clearance.MAT, True)
    assert User.objects.get(username="hn.officer").check_password(DEMO_PASSWORD)
    event = AuditEvent.objects.filter(action="core.demo.load").order_by("-seq").first()
    assert event is not None
    assert (event.actor, event.data["units_created"], event.data["users_created"]) == (None, 0, 0)


def test_demo_brings_people_a_member_declaration_example_rules_and_an_import_sheet(
    db: None, settings: pytest.FixtureRequest
) -> None:
    # when
    first = demo_load()
    second = demo_load()
    # then
    assert (first.people_created, second.people_created) == (40, 0)
    assert (first.rulesets_published, second.rulesets_published) == (3, 0)
    assert Person.objects.count() == 40
    member = Person.objects.get(account__username="member")
    assert sorted(Declaration.objects.filter(person=member).values_list("number", "status")) == [
        (1, "submitted"),
        (2, "draft"),
    ]
    assert RuleSetVersion.objects.filter(status="published").count() == 3
    assert first.import_sheet == settings.VAR_DIR / "demo" / "nguoi-10000.xlsx"  # type: ignore[attr-defined]
    assert first.import_sheet is not None
    assert first.import_sheet.stat().st_size > 100_000


def test_every_demo_user_logs_in_and_has_the_right_unit_and_roles(db: None) -> None:
    # given
    demo_load()
    for username, expected in EXPECTED_USERS.items():
        # when
        client = TwoFactorClient()
        response = client.post(
            reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD}
        )
        if response["Location"].startswith(reverse("accounts:otp-verify")):
            # the second step with the code `bvct otp code USERNAME` prints
            response = client.post(
                reverse("accounts:otp-verify"), {"code": demo_code(username=username)}
            )
        # then
        assert (username, response.status_code, response["Location"]) == (username, 302, "/")
        assert _user_state(username) == (*expected, True)
        assert client.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.filter(action="accounts.login.success").count() == len(EXPECTED_USERS)
    two_step = {
        event.actor.username
        for event in AuditEvent.objects.filter(action="accounts.login.password")
        if event.actor is not None
    }
    assert two_step == {
        "tw.officer",
        "hn.officer",
        "hn.approver",
        "hn.auditor",
        "hn.xa.approver",
        "dn.officer",
        "hn.registrar",
        "hn.vanthu",
        "admin",
    }
    # `bvct otp code` prints codes of the demo's own devices only, and only in the demo
    out = StringIO()
    call_command("otp", "code", "hn.officer", stdout=out)
    assert re.fullmatch(r"\d{6}\n", out.getvalue())
    with pytest.raises(CommandError, match="has no demo authenticator"):
        call_command("otp", "code", "hn.xa.clerk")
    with (
        override_settings(BVCT_DEMO_OTP_CODES=False),
        pytest.raises(CommandError, match="works only in the demo"),
    ):
        call_command("otp", "code", "hn.officer")


def _parent_code(unit: OrgUnit) -> str:
    parent = unit.get_parent()
    assert parent is not None
    return parent.code


def test_demo_organisations_sit_under_ha_noi_and_da_nang_communes(db: None) -> None:
    # when
    demo_load()
    # then
    units = {u.code: u for u in OrgUnit.objects.filter(code__startswith="DEMO-")}
    by_code = {
        u.code: u for u in OrgUnit.objects.filter(code__in=["T01", "T48", "X00070", "X20242"])
    }
    parent_kind = {code: (u.kind, _parent_code(u)) for code, u in units.items()}
    assert parent_kind["DEMO-HK-DLHG"] == ("grassroots", "X00070")
    assert parent_kind["DEMO-HK-DLHG-KD"] == ("sub_committee", "DEMO-HK-DLHG")
    assert parent_kind["DEMO-HK-DLHG-LH"] == ("branch", "DEMO-HK-DLHG-KD")
    assert parent_kind["DEMO-HC-VTSH"] == ("grassroots", "X20242")
    assert by_code["X00070"].name == "Đảng bộ phường Hoàn Kiếm"
    in_ha_noi = sorted(c for c, u in units.items() if by_code["T01"].contains(u))
    in_da_nang = sorted(c for c, u in units.items() if by_code["T48"].contains(u))
    assert (len(in_ha_noi), len(in_da_nang)) == (10, 4)
    assert {u.kind for u in units.values()} == {"grassroots", "sub_committee", "branch"}
    member = User.objects.get(username="member")
    assert member.org_unit is not None
    assert (member.org_unit.kind, by_code["T01"].contains(member.org_unit)) == ("branch", True)


def test_command_prints_the_logins_and_the_password_as_demo_only(db: None) -> None:
    # given
    out = StringIO()
    # when
    call_command("demo", stdout=out)
    # then
    text = out.getvalue()
    assert "DEMO ONLY" in text
    assert f"Password for every demo login: {DEMO_PASSWORD}" in text
    assert re.search(
        r"^hn\.xa\.clerk +Đỗ Văn Hùng +Đảng bộ phường Hoàn Kiếm \(X00070\) +clerk +-$", text, re.M
    )
    # the two-step users are told how to get their code
    assert re.search(r"^hn\.officer .* officer +bvct otp code hn\.officer$", text, re.M)
    assert "`bvct otp code USERNAME` prints its current code" in text
    for username in EXPECTED_USERS:
        assert f"\n{username} " in text


def test_demo_refuses_production_mode_and_writes_nothing(
    db: None, settings: pytest.FixtureRequest
) -> None:
    # given
    settings.IS_PRODUCTION = True  # type: ignore[attr-defined]
    # when / then
    with pytest.raises(DemoRefusedError, match="refuses to run in production mode"):
        demo_load()
    with pytest.raises(CommandError, match="refuses to run in production mode"):
        call_command("demo", stdout=StringIO())
    assert (OrgUnit.objects.count(), User.objects.count(), AuditEvent.objects.count()) == (0, 0, 0)


def test_demo_brings_cases_at_different_stages(db: None) -> None:
    # when the demo loads twice
    first = demo_load()
    second = demo_load()
    # then three cases exist once each, built through the services
    assert (first.cases_created, second.cases_created) == (3, 0)
    stages = {
        (c.person.full_name, c.case_type): c.status for c in Case.objects.select_related("person")
    }
    assert stages == {
        ("Lê Thị Ngọc Ánh", "admission"): "verifying",
        ("Hoàng Văn Bình", "appraisal"): "concluded",
        ("Đỗ Văn Thắng", "history"): "open",
    }
    # the applicant has a notice waiting for her explanation; the appraisal is concluded with
    # its numbered document, open for the subject to read
    admission = Case.objects.get(case_type="admission")
    notice = CaseNotice.objects.get(case=admission)
    assert notice.explanation_due_on is not None
    assert not Explanation.objects.filter(notice=notice).exists()
    conclusion = CaseConclusion.objects.get(case__case_type="appraisal", is_current=True)
    assert conclusion.reference.startswith("Số 01-KL/")
    assert conclusion.document is not None
    assert conclusion.document.visible_to_subject


def test_demo_letters_one_waiting_in_da_nang_one_overdue_and_escalated(db: None) -> None:
    demo_load()
    demo_load()
    letters = {
        r.addressee_kind: r
        for r in VerificationRequest.objects.select_related("addressee_unit", "escalated_to")
    }
    assert sorted(letters) == ["party", "police"]
    to_da_nang, to_police = letters["party"], letters["police"]
    assert (to_da_nang.addressee_unit.code, to_da_nang.status) == ("X20242", "sent")  # type: ignore[union-attr]
    assert to_da_nang.escalated_to is None
    assert to_police.due_on is not None
    assert to_police.due_on < to_police.sent_on + dt.timedelta(days=42)  # type: ignore[operator]
    assert to_police.escalated_to is not None
    dn_officer = User.objects.get(username="dn.officer")
    assert to_da_nang in policy.verification_requests_visible_to(dn_officer)
    assert to_police not in policy.verification_requests_visible_to(dn_officer)


def test_demo_users_can_run_an_inspection_of_hoan_kiem(db: None) -> None:
    """The README walkthrough, through the same services as the pages."""
    from bvct.inspections import services  # noqa: PLC0415
    from bvct.inspections.models import OutlineTemplate  # noqa: PLC0415

    demo_load()
    users = {u.username: u for u in User.objects.all()}
    ward = OrgUnit.objects.get(code="X00070")
    plan = services.plan_create(
        actor=users["hn.officer"],
        year=timezone.localdate().year,
        title="KH",
        topics="BVCTNB",
    )
    start = dt.date(plan.year, 1, 1)
    inspection = services.plan_add_unit(
        actor=users["hn.officer"], plan=plan, unit=ward, starts_on=start, ends_on=start
    )
    services.plan_approve(actor=users["hn.approver"], plan=plan)
    services.decision_issue(
        actor=users["hn.approver"], inspection=inspection, team=[(users["hn.inspector"], "head")]
    )
    services.contact_add(
        actor=users["hn.approver"], inspection=inspection, user=users["hn.xa.clerk"]
    )
    template = OutlineTemplate.objects.get(org_unit__code="T01")
    services.outline_send(actor=users["hn.inspector"], inspection=inspection, template=template)
    assert inspection.sections.count() == 5
    assert inspection in policy.inspections_visible_to(users["hn.xa.clerk"])
    assert inspection not in policy.inspections_visible_to(users["dn.officer"])
    assert inspection not in policy.inspections_visible_to(users["hn.xa.approver"])


def test_demo_trip_is_overdue_on_the_ha_noi_list(db: None) -> None:
    from bvct.travel.models import TravelApplication  # noqa: PLC0415
    from bvct.travel.services import overdue_reports  # noqa: PLC0415

    demo_load()
    demo_load()
    trip = TravelApplication.objects.get()
    assert trip.status == "approved"
    assert trip in overdue_reports()
    officer = User.objects.get(username="hn.officer")
    assert trip in policy.travel_visible_to(officer)
    assert trip not in policy.travel_visible_to(User.objects.get(username="dn.officer"))
    member = User.objects.get(username="member")
    assert list(policy.travel_visible_to(member)) == []
