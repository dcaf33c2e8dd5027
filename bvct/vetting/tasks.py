"""Background work of cases: notifications, enqueued with `transaction.on_commit`."""

from __future__ import annotations

from django_tasks import task

from bvct.vetting.notifications import case_notifications_create


@task()
def case_notify_task(case_id: int, kind: str, event_key: str) -> None:
    case_notifications_create(case_id=case_id, kind=kind, event_key=event_key)
