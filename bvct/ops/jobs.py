"""The periodic jobs that `bvct tick` runs once, in this order. Each is idempotent on its own:
it changes a row only after re-reading it under a lock and finding the work still to do (an
escalation is recorded per due date, a reminder per due date), so running the tick twice a day,
or two ticks at once, does the work once.

What is *not* here, because it is computed when a page is shown: the overdue lists of cases,
verification letters, return reports and remediation items, and the registers' expiry list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bvct.travel.services import remind_reports
from bvct.verification.tracking import remind_and_escalate
from bvct.vetting.clocks import escalate_overdue

TASK_RESULT_KEEP_DAYS = 30


@dataclass(frozen=True)
class JobResult:
    counts: dict[str, int]
    line: str  # what `bvct tick` prints


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[dt.date], JobResult]


def _escalate_steps(day: dt.date) -> JobResult:
    steps = escalate_overdue(today=day)
    return JobResult({"escalated": len(steps)}, f"escalated {len(steps)} overdue step(s)")


def _verification_letters(day: dt.date) -> JobResult:
    letters = remind_and_escalate(today=day)
    reminded, escalated = len(letters.reminded), len(letters.escalated)
    return JobResult(
        {"reminded": reminded, "escalated": escalated},
        f"reminded {reminded} and escalated {escalated} verification request(s)",
    )


def _return_reports(day: dt.date) -> JobResult:
    trips = remind_reports(today=day)
    return JobResult(
        {"reminded": len(trips)}, f"reminded {len(trips)} return report(s) of trips abroad"
    )


@transaction.atomic
def _expired_sessions(day: dt.date) -> JobResult:
    removed, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return JobResult({"removed": removed}, f"removed {removed} expired session(s)")


@transaction.atomic
def _finished_tasks(day: dt.date) -> JobResult:
    cutoff = timezone.now() - dt.timedelta(days=TASK_RESULT_KEEP_DAYS)
    removed, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return JobResult(
        {"removed": removed},
        f"removed {removed} background task result(s) finished over "
        f"{TASK_RESULT_KEEP_DAYS} days ago",
    )


JOBS: tuple[Job, ...] = (
    Job("vetting.escalate_overdue", _escalate_steps),
    Job("verification.remind_and_escalate", _verification_letters),
    Job("travel.remind_reports", _return_reports),
    Job("sessions.clear_expired", _expired_sessions),
    Job("tasks.prune_results", _finished_tasks),
)
