"""`bvct tick`: every periodic job once, idempotent, audited as one `ops.tick` event and logged;
a failing job does not stop the others."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bvct.audit.models import AuditEvent
from bvct.audit.verify import verify_chain
from bvct.ops.jobs import JOBS, Job, JobResult
from bvct.ops.services import tick_run
from bvct.people.tests.factories import make_person
from bvct.vetting.models import CaseNotification
from bvct.vetting.tasks import case_notify_task
from bvct.vetting.tests.factories import make_case
from conftest import Tree

HANOI = dt.timezone(dt.timedelta(hours=7))
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


def test_tick_does_each_job_once_however_often_it_runs(
    tree: Tree, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # given an overdue case step, an expired session and a task result finished 40 days ago
    settings.TASKS = DB_TASKS
    with time_machine.travel(dt.datetime(2026, 2, 2, 9, tzinfo=HANOI)):
        person = make_person(org_unit=tree.grassroots_a1)
        case = make_case(person=person, holding_unit=tree.commune_a1)
    stale = SessionStore()
    stale.set_expiry(1)
    stale.create()
    Session.objects.filter(session_key=stale.session_key).update(
        expire_date=timezone.now() - dt.timedelta(days=1)
    )
    live = SessionStore()
    live.create()
    old = case_notify_task.enqueue(case.pk, CaseNotification.Kind.ASSIGNED, "old")
    recent = case_notify_task.enqueue(case.pk, CaseNotification.Kind.ASSIGNED, "recent")
    DBTaskResult.objects.update(status=TaskResultStatus.SUCCESSFUL)
    DBTaskResult.objects.filter(pk=old.id).update(
        finished_at=timezone.now() - dt.timedelta(days=40)
    )
    DBTaskResult.objects.filter(pk=recent.id).update(finished_at=timezone.now())

    # when the tick runs twice on the same day
    caplog.set_level(logging.INFO, logger="bvct.ops.tick")
    first = tick_run(today=dt.date(2026, 3, 10))
    second = tick_run(today=dt.date(2026, 3, 10))

    # then the first run did the work, the second nothing
    def counts(report: Any) -> dict[str, dict[str, int]]:
        return {name: result.counts for name, result in report.results.items()}

    assert counts(first) == {
        "vetting.escalate_overdue": {"escalated": 1},
        "verification.remind_and_escalate": {"reminded": 0, "escalated": 0},
        "travel.remind_reports": {"reminded": 0},
        "sessions.clear_expired": {"removed": 1},
        "tasks.prune_results": {"removed": 1},
    }
    assert all(v == 0 for c in counts(second).values() for v in c.values())
    assert AuditEvent.objects.filter(action="vetting.case.escalate").count() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert [str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)] == [recent.id]
    # and each run is one audit event with its counts, and one log line per job
    runs = list(AuditEvent.objects.filter(action="ops.tick").order_by("seq"))
    assert [r.data["counts"]["vetting.escalate_overdue"] for r in runs] == [
        {"escalated": 1},
        {"escalated": 0},
    ]
    assert [(r.actor_id, r.data["on"], r.data["failed"]) for r in runs] == [
        (None, "2026-03-10", []),
        (None, "2026-03-10", []),
    ]
    assert verify_chain().ok
    tick_lines = [r.getMessage() for r in caplog.records if r.name == "bvct.ops.tick"]
    assert len(tick_lines) == 2 * len(JOBS)
    assert "tick: vetting.escalate_overdue: escalated 1 overdue step(s)" in tick_lines


def test_a_failing_job_is_logged_and_audited_and_the_others_still_run(
    db: None, caplog: pytest.LogCaptureFixture
) -> None:
    ran: list[dt.date] = []

    def broken(day: dt.date) -> JobResult:
        raise RuntimeError("disk full")

    def fine(day: dt.date) -> JobResult:
        ran.append(day)
        return JobResult({"done": 1}, "did 1 thing")

    report = tick_run(
        today=dt.date(2026, 3, 10), jobs=(Job("x.broken", broken), Job("x.fine", fine))
    )
    assert (report.ok, report.failed, ran) == (False, ["x.broken"], [dt.date(2026, 3, 10)])
    event = AuditEvent.objects.get(action="ops.tick")
    assert event.data["failed"] == ["x.broken"]
    assert event.data["counts"] == {"x.fine": {"done": 1}}
    failure = next(r for r in caplog.records if r.levelno == logging.ERROR)
    assert failure.getMessage() == "tick: job x.broken failed"
    assert failure.exc_info is not None


def test_tick_command_exits_non_zero_when_a_job_fails(db: None, monkeypatch: Any) -> None:
    def broken(day: dt.date) -> JobResult:
        raise RuntimeError("disk full")

    monkeypatch.setattr("bvct.ops.services.JOBS", (Job("x.broken", broken),))
    with pytest.raises(CommandError, match="failed job"):
        call_command("tick")
    with pytest.raises(CommandError, match="DD/MM/YYYY"):
        call_command("tick", "--date", "2026-03-10")
