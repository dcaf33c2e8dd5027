"""Legal clocks across Tết and make-up days, pause/resume, extension, escalation, inboxes.

Calendar facts used (official schedules, see bvct/workdays): Tết 2025 off 27/01–31/01 (with the
weekends 25/01–02/02); 07/04/2025 off (Giỗ Tổ); Sat 26/04/2025 a make-up working day;
30/04–02/05/2025 off. Tết 2026 off 16/02–20/02.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from bvct.audit.models import AuditEvent
from bvct.core.errors import AccessDenied, DomainError
from bvct.vetting import clocks, selectors, services
from bvct.vetting.conclusions import ConclusionInput
from bvct.vetting.models import Case, CaseNotification, ClockEvent, Status
from bvct.vetting.tests.conftest import Actors
from bvct.vetting.tests.factories import make_case
from bvct.vetting.tests.helpers import nothing_changes
from conftest import Tree

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 9, 30, tzinfo=HANOI), tick=False
    )


def _resolved_case(actors: Actors) -> Case:
    """An admission case whose chi bộ resolution is recorded on Fri 24/01/2025, before Tết."""
    with at(dt.date(2025, 1, 20)):
        case = make_case(person=actors.subject, status=Status.VERIFYING)
        for code in ("ly_lich_2knd", "replies_20knd", "opinions_5knd", "resolution_6knd"):
            services.case_checklist_mark(case=case, actor=actors.clerk, code=code, received=True)
    with at(dt.date(2025, 1, 24)):
        return services.case_transition(case=case, to=Status.RESOLVED, actor=actors.clerk)


def test_admission_decision_due_60_working_days_after_the_resolution_across_tet(
    tree: Tree, actors: Actors
) -> None:
    # when the resolution is recorded on the Friday before Tết 2025
    case = _resolved_case(actors)
    # then 60 working days skip Tết and Giỗ Tổ and end on the make-up Saturday 26/04/2025
    assert case.current_step is not None
    assert case.current_step.started_on == dt.date(2025, 1, 24)
    assert case.current_step.due_on == dt.date(2025, 4, 26)
    assert case.current_step.limit.max_extension_days == 30
    # and on Mon 03/02/2025, the first working day after Tết, 59 working days are left
    with at(dt.date(2025, 2, 3)):
        info = clocks.due_info(case.current_step, timezone.localdate())
    assert (info.working_days_left, info.is_overdue, info.is_due_soon) == (59, False, False)


def test_ceremony_due_30_working_days_after_the_decision(tree: Tree, actors: Actors) -> None:
    with at(dt.date(2025, 4, 25)):
        case = make_case(person=actors.subject, status=Status.RESOLVED)
        services.case_checklist_mark(
            case=case, actor=actors.clerk, code="resolution_8knd", received=True
        )
        decided = services.case_approve(
            case=case,
            actor=actors.approver,
            conclusion=ConclusionInput("admit", "Đủ điều kiện theo hồ sơ."),
        )
    # 26/04 (make-up Saturday) counts; 30/04–02/05 do not
    assert decided.current_step is not None
    assert (decided.status, decided.current_step.due_on) == (Status.ADMITTED, dt.date(2025, 6, 10))


def test_pause_and_resume_move_the_due_date_by_the_working_days_waited(
    tree: Tree, actors: Actors
) -> None:
    # given a step started Mon 02/02/2026, due 23/02/2026 (10 working days, Tết 16–20/02 off)
    with at(dt.date(2026, 2, 2)):
        case = make_case(person=actors.subject)
    assert case.current_step is not None
    assert case.current_step.due_on == dt.date(2026, 2, 23)
    # when the clock waits on the subject from Wed 11/02 to Wed 25/02
    with at(dt.date(2026, 2, 11)):
        clocks.case_pause(case=case, actor=actors.clerk, reason="Chờ bản tường trình")
    with at(dt.date(2026, 2, 24)):  # past the old due date, but paused: not overdue
        assert clocks.overdue_steps(timezone.localdate()) == []
    with at(dt.date(2026, 2, 25)):
        clocks.case_resume(case=case, actor=actors.clerk)
    # then 5 working days (12, 13, 23, 24, 25/02) are added: due Mon 02/03/2026
    step = case.current_step
    step.refresh_from_db()
    assert (step.due_on, step.paused_days, step.paused_on) == (dt.date(2026, 3, 2), 5, None)
    assert list(ClockEvent.objects.values_list("kind", "on", "days", "reason")) == [
        ("pause", dt.date(2026, 2, 11), 0, "Chờ bản tường trình"),
        ("resume", dt.date(2026, 2, 25), 5, ""),
    ]
    assert list(AuditEvent.objects.order_by("seq").values_list("action", flat=True)) == [
        "vetting.case.pause",
        "vetting.case.resume",
    ]


def test_pause_needs_a_reason_and_resume_a_pause(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject)
    with nothing_changes(), pytest.raises(DomainError, match="Lý do"):
        clocks.case_pause(case=case, actor=actors.clerk, reason=" ")
    with nothing_changes(), pytest.raises(DomainError, match="không ở trạng thái tạm dừng"):
        clocks.case_resume(case=case, actor=actors.clerk)
    clocks.case_pause(case=case, actor=actors.clerk, reason="Chờ")
    with nothing_changes(), pytest.raises(DomainError, match="đã được tạm dừng"):
        clocks.case_pause(case=case, actor=actors.clerk, reason="Chờ")


def test_extension_needs_an_approver_a_reason_and_stays_within_the_limit(
    tree: Tree, actors: Actors
) -> None:
    case = _resolved_case(actors)
    with nothing_changes(), pytest.raises(AccessDenied, match="người phê duyệt"):
        clocks.case_extend(case=case, actor=actors.officer, days=30, reason="Cần xác minh thêm")
    with nothing_changes(), pytest.raises(DomainError, match="Lý do"):
        clocks.case_extend(case=case, actor=actors.approver, days=30, reason="")
    with nothing_changes(), pytest.raises(DomainError, match="từ 1 đến 30"):
        clocks.case_extend(case=case, actor=actors.approver, days=31, reason="Cần xác minh thêm")
    # when an approver extends by 30 working days from Sat 26/04/2025
    clocks.case_extend(case=case, actor=actors.approver, days=30, reason="Cần xác minh thêm")
    # then the new due date skips 30/04–02/05: Wed 11/06/2025
    step = case.steps.get(ended_on__isnull=True)
    assert (step.due_on, step.extended_days, step.extensions) == (dt.date(2025, 6, 11), 30, 1)
    event = AuditEvent.objects.get(action="vetting.case.extend")
    assert event.data["old"] == {"due_on": "2025-04-26"}
    assert event.data["new"] == {"due_on": "2025-06-11"}
    # and a second extension is refused (once only)
    with nothing_changes(), pytest.raises(DomainError, match="đã hết lượt gia hạn"):
        clocks.case_extend(case=case, actor=actors.approver, days=1, reason="Lần nữa")


def test_stage_without_extension_refuses_any(tree: Tree, actors: Actors) -> None:
    case = make_case(person=actors.subject)
    with nothing_changes(), pytest.raises(DomainError, match="gia hạn 0 lần"):
        clocks.case_extend(case=case, actor=actors.approver, days=1, reason="x")


def test_tick_escalates_overdue_steps_to_the_superior_unit_once(
    tree: Tree, actors: Actors, django_capture_on_commit_callbacks: object
) -> None:
    # given a step held by commune A1, due Mon 23/02/2026, and one paused
    with at(dt.date(2026, 2, 2)):
        late = make_case(person=actors.subject, holding_unit=tree.commune_a1)
        paused = make_case(org_unit=tree.grassroots_a1, holding_unit=tree.commune_a1)
        clocks.case_pause(case=paused, actor=actors.clerk, reason="Chờ")
    # when `bvct tick` runs on the due day, nothing is overdue yet
    with at(dt.date(2026, 2, 23)):
        assert clocks.escalate_overdue() == []
    # when it runs the next working day
    with at(dt.date(2026, 2, 24)), django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        call_command("tick")
    # then the late step is escalated to the province, audited, and its officers told
    step = late.steps.get()
    assert (step.escalated_to, step.escalated_for_due_on) == (tree.prov_a, dt.date(2026, 2, 23))
    event = AuditEvent.objects.get(action="vetting.case.escalate")
    assert (event.actor, event.data["overdue_days"], event.data["to_unit"]) == (
        None,
        1,
        tree.prov_a.pk,
    )
    assert list(CaseNotification.objects.values_list("recipient", "kind")) == [
        (actors.superior_officer.pk, "escalated")
    ]
    assert paused.steps.get().escalated_to is None
    # and a second run the same day (or later) escalates nothing new
    with at(dt.date(2026, 2, 26)):
        assert clocks.escalate_overdue() == []
    assert AuditEvent.objects.filter(action="vetting.case.escalate").count() == 1


def test_an_extended_step_overdue_again_escalates_again(tree: Tree, actors: Actors) -> None:
    case = _resolved_case(actors)  # due 26/04/2025
    with at(dt.date(2025, 4, 28)):
        assert [s.case_id for s in clocks.escalate_overdue()] == [case.pk]
        clocks.case_extend(case=case, actor=actors.approver, days=5, reason="Bổ sung")
        assert clocks.escalate_overdue() == []
    with at(dt.date(2025, 5, 12)):  # extended to Wed 07/05/2025: overdue again
        assert [s.due_on for s in clocks.escalate_overdue()] == [dt.date(2025, 5, 7)]


def test_tick_command_reports_and_accepts_a_date(
    tree: Tree, actors: Actors, capsys: pytest.CaptureFixture[str]
) -> None:
    with at(dt.date(2026, 2, 2)):
        make_case(person=actors.subject)
    call_command("tick", "--date", "24/02/2026")
    call_command("tick", "--date", "24/02/2026")
    letters = (
        "reminded 0 and escalated 0 verification request(s)\n"
        "reminded 0 return report(s) of trips abroad\n"
        "removed 0 expired session(s)\n"
        "removed 0 background task result(s) finished over 30 days ago\n"
    )
    assert capsys.readouterr().out == (
        f"escalated 1 overdue step(s)\n{letters}escalated 0 overdue step(s)\n{letters}"
    )


# --- inboxes ------------------------------------------------------------------------------------


def test_inbox_lists_assigned_unassigned_due_soon_and_overdue(tree: Tree, actors: Actors) -> None:
    a1 = tree.commune_a1
    with at(dt.date(2026, 3, 2)):
        mine = make_case(org_unit=tree.grassroots_a1, holding_unit=a1, assignee=actors.clerk)
    with at(dt.date(2026, 2, 23)):  # due Mon 09/03/2026: exactly 5 working days after 02/03
        soon = make_case(org_unit=tree.grassroots_a1, holding_unit=a1)
    with at(dt.date(2026, 2, 2)):  # due 23/02/2026
        late = make_case(org_unit=tree.grassroots_a1, holding_unit=a1)
        make_case(org_unit=tree.commune_a2)  # another commune's case
        closed = make_case(org_unit=tree.grassroots_a1, holding_unit=a1)
        Case.objects.filter(pk=closed.pk).update(closed_at=timezone.now())
    # when
    with at(dt.date(2026, 3, 2)):
        inbox = selectors.inbox_for_actor(actor=actors.clerk)
        items = selectors.case_attention(actors.clerk)
    # then
    assert [r.case.pk for r in inbox.assigned] == [mine.pk]
    assert [r.case.pk for r in inbox.unassigned] == [late.pk, soon.pk]
    assert [(r.case.pk, r.due.working_days_left) for r in inbox.due_soon if r.due] == [(soon.pk, 5)]
    assert [(r.case.pk, r.due.overdue_days) for r in inbox.overdue if r.due] == [(late.pk, 5)]
    assert [(str(i.label), i.count) for i in items] == [
        ("Vụ việc quá hạn", 1),
        ("Vụ việc đến hạn trong 5 ngày làm việc", 1),
        ("Chưa có người nhận ở đơn vị của bạn", 2),
    ]


def test_escalated_case_appears_in_the_superior_units_overdue_inbox(
    tree: Tree, actors: Actors
) -> None:
    with at(dt.date(2026, 2, 2)):
        late = make_case(org_unit=tree.grassroots_a1, holding_unit=tree.commune_a1)
    with at(dt.date(2026, 2, 24)):
        before = selectors.inbox_for_actor(actor=actors.superior_officer)
        clocks.escalate_overdue()
        after = selectors.inbox_for_actor(actor=actors.superior_officer)
    assert before.overdue == []
    assert [r.case.pk for r in after.overdue] == [late.pk]


def test_inbox_list_query_budget(
    tree: Tree, actors: Actors, django_assert_num_queries: object
) -> None:
    for _ in range(5):
        make_case(org_unit=tree.grassroots_a1, holding_unit=tree.commune_a1)
    # the actor's roles, the "due soon" bound's overrides, 4 lists, the rows' overrides
    with django_assert_num_queries(7):  # type: ignore[operator]
        inbox = selectors.inbox_for_actor(actor=actors.clerk)
    assert len(inbox.unassigned) == 5
