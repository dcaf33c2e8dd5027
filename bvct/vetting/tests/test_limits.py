"""Time limits as data: revisions add a dated version (never an edit in place), running steps
keep the limit in force when they started, only national administrators revise."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.accounts.tests.support import TwoFactorClient
from bvct.audit.models import AuditEvent
from bvct.core.errors import AccessDenied, DomainError
from bvct.vetting import clocks, dueprocess, limits, services
from bvct.vetting.models import CaseType, Status, StepLimit, WindowLimit
from bvct.vetting.tests.conftest import Actors
from bvct.vetting.tests.factories import make_case
from bvct.workdays.calendar import add_working_days
from conftest import Tree

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
D = dt.date


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=HANOI))


@pytest.fixture
def national_admin(tree: Tree) -> User:
    return make_user(org_unit=tree.root, roles=(RoleCode.ADMIN,))


def _current_step_limit() -> StepLimit:
    return StepLimit.objects.get(
        case_type=CaseType.ADMISSION, status=Status.VERIFYING, purpose="", valid_to__isnull=True
    )


def test_a_revision_starts_on_its_date_and_running_steps_keep_their_limit(
    actors: Actors, national_admin: User
) -> None:
    # given an admission case whose verification step started under the current limit
    with at(D(2026, 12, 3)):
        case = make_case(person=actors.subject)
        services.case_transition(case=case, to=Status.VERIFYING, actor=actors.clerk)
        old = _current_step_limit()
        running_due = case.steps.get(status=Status.VERIFYING).due_on
        # when the administrator records a new version from 01/01/2027
        new = limits.limit_revise(
            actor=national_admin,
            limit=old,
            revision=limits.Revision(
                days=old.working_days + 5,
                legal_basis="Ví dụ: văn bản mới (chưa xác nhận)",
                valid_from=D(2027, 1, 1),
            ),
        )
    # then the old row closes the day before, the new one is in force from its date
    old.refresh_from_db()
    assert old.valid_to == D(2026, 12, 31)
    assert (
        clocks.limit_for(
            case_type=CaseType.ADMISSION, status=Status.VERIFYING, purpose="", day=D(2026, 12, 31)
        )
        == old
    )
    assert (
        clocks.limit_for(
            case_type=CaseType.ADMISSION, status=Status.VERIFYING, purpose="", day=D(2027, 1, 1)
        )
        == new
    )
    # and the running step kept its due date; the revision is audited
    assert case.steps.get(status=Status.VERIFYING).due_on == running_due
    event = AuditEvent.objects.get(action="vetting.limit.revise")
    assert event.data["previous"] == old.pk
    assert event.data["days"] == old.working_days + 5


def test_revision_refusals_say_what_and_change_nothing(
    actors: Actors, national_admin: User, tree: Tree
) -> None:
    with at(D(2026, 12, 3)):
        old = _current_step_limit()
        good = limits.Revision(days=30, legal_basis="Cơ sở", valid_from=D(2027, 1, 1))
        provincial_admin = make_user(org_unit=tree.prov_a, roles=(RoleCode.ADMIN,))
        cases: list[tuple[User, limits.Revision, type[DomainError], str | None]] = [
            (actors.officer, good, AccessDenied, None),
            (provincial_admin, good, AccessDenied, None),
            (
                national_admin,
                limits.Revision(30, "Cơ sở", D(2026, 12, 2)),
                DomainError,
                "valid_from",
            ),
            (national_admin, limits.Revision(30, " ", D(2027, 1, 1)), DomainError, "legal_basis"),
            (national_admin, limits.Revision(0, "Cơ sở", D(2027, 1, 1)), DomainError, "days"),
        ]
        for actor, revision, error, field in cases:
            with pytest.raises(error) as raised:
                limits.limit_revise(actor=actor, limit=old, revision=revision)
            if field:
                assert raised.value.field == field
        # an earlier version cannot be revised
        new = limits.limit_revise(actor=national_admin, limit=old, revision=good)
        with pytest.raises(DomainError, match=r"earlier version|phiên bản trước"):
            limits.limit_revise(
                actor=national_admin,
                limit=old,
                revision=limits.Revision(31, "Cơ sở", D(2027, 2, 1)),
            )
    assert (
        StepLimit.objects.filter(
            case_type=CaseType.ADMISSION, status=Status.VERIFYING, purpose=""
        ).count()
        == 2
    )
    assert new.valid_to is None
    assert AuditEvent.objects.filter(action="vetting.limit.revise").count() == 1


def test_a_revised_explanation_window_applies_to_later_notices(
    actors: Actors, national_admin: User
) -> None:
    window = WindowLimit.objects.get(kind="explanation", case_type="", valid_to__isnull=True)
    with at(D(2026, 12, 3)):
        limits.limit_revise(
            actor=national_admin,
            limit=window,
            revision=limits.Revision(days=15, legal_basis="Cơ sở mới", valid_from=D(2026, 12, 7)),
        )
        before = dueprocess.notice_issue(
            case=make_case(person=actors.subject, status=Status.VERIFYING),
            actor=actors.officer,
            body="Nội dung thẩm tra.",
        )
    with at(D(2026, 12, 7)):
        after = dueprocess.notice_issue(
            case=make_case(
                person=actors.subject,
                case_type=CaseType.HISTORY,
                status=Status.VERIFYING,
            ),
            actor=actors.officer,
            body="Nội dung thẩm tra.",
        )
    assert before.explanation_due_on == add_working_days(D(2026, 12, 3), window.days)
    assert after.explanation_due_on == add_working_days(D(2026, 12, 7), 15)


def test_limits_page_for_staff_and_revision_form_for_the_national_admin(
    actors: Actors, national_admin: User
) -> None:
    officer = TwoFactorClient()
    officer.force_login(actors.officer)
    page = officer.get(reverse("cases:limits")).content.decode()
    assert 'data-testid="step-limits"' in page
    assert reverse("cases:limit-revise") not in page
    assert officer.get(reverse("cases:limit-revise")).status_code == 403
    admin = TwoFactorClient()
    admin.force_login(national_admin)
    page = admin.get(reverse("cases:limits")).content.decode()
    old = _current_step_limit()
    assert f"?kind=step&amp;id={old.pk}" in page
    url = reverse("cases:limit-revise")
    # a date in the wrong format is refused on the form, nothing saved
    response = admin.post(
        url,
        {
            "kind": "step",
            "id": old.pk,
            "days": 70,
            "legal_basis": "Cơ sở",
            "valid_from": "2099-01-01",
        },
    )
    assert response.status_code == 200
    assert "valid_from" in response.context["form"].errors
    response = admin.post(
        url,
        {
            "kind": "step",
            "id": old.pk,
            "days": 70,
            "max_extension_days": 30,
            "max_extensions": 1,
            "legal_basis": "Cơ sở",
            "valid_from": "01/01/2099",
        },
    )
    assert response.status_code == 302
    assert StepLimit.objects.get(valid_from=D(2099, 1, 1)).working_days == 70
    assert admin.get(url, {"kind": "step", "id": "999999"}).status_code == 404


def test_reply_limits_are_revised_like_the_others(national_admin: User) -> None:
    from bvct.verification.defaults import seed_default_reply_limits  # noqa: PLC0415
    from bvct.verification.models import ReplyLimit  # noqa: PLC0415
    from bvct.verification.tracking import reply_limit_for  # noqa: PLC0415

    seed_default_reply_limits()
    police = ReplyLimit.objects.get(addressee_kind="police", valid_to__isnull=True)
    admin = TwoFactorClient()
    admin.force_login(national_admin)
    page = admin.get(reverse("cases:limits")).content.decode()
    assert f"?kind=reply&amp;id={police.pk}" in page
    with at(D(2026, 12, 3)):
        response = admin.post(
            reverse("cases:limit-revise"),
            {
                "kind": "reply",
                "id": police.pk,
                "days": 25,
                "reminder_days": 5,
                "reuse_months": 6,
                "legal_basis": "Quy chế phối hợp (ví dụ)",
                "valid_from": "01/01/2027",
            },
        )
    assert response.status_code == 302
    assert reply_limit_for("police", D(2026, 12, 31)).working_days == police.working_days
    new = reply_limit_for("police", D(2027, 1, 1))
    assert (new.working_days, new.reminder_days, new.reuse_months) == (25, 5, 6)


def test_the_limits_page_shows_the_inspection_scoring(actors: Actors) -> None:
    from bvct.inspections.models import ScoreFormula  # noqa: PLC0415

    ScoreFormula.objects.get_or_create(valid_from=D(2025, 7, 1), defaults={"legal_basis": "Ví dụ"})
    officer = TwoFactorClient()
    officer.force_login(actors.officer)
    page = officer.get(reverse("cases:limits")).content.decode()
    assert 'data-testid="score-formula"' in page
