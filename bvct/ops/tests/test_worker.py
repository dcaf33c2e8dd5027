"""`bvct worker` runs what the django-tasks database backend queued."""

from __future__ import annotations

import signal
from typing import Any

from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.people.tests.factories import make_person
from bvct.vetting.models import CaseNotification
from bvct.vetting.tasks import case_notify_task
from bvct.vetting.tests.factories import make_case
from conftest import Tree


def test_worker_runs_an_enqueued_task_and_exits_in_batch_mode(
    transactional_db: None, tree: Tree, settings: Any
) -> None:
    """Transactional: the worker, like in production, closes connections it finds in a
    transaction, so the task must be committed before it runs."""
    # given a case notification queued in the database (not run at enqueue time)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    clerk = make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,))
    case = make_case(person=make_person(org_unit=tree.grassroots_a1), assignee=clerk)
    result = case_notify_task.enqueue(case.pk, CaseNotification.Kind.ASSIGNED, "assign:1")
    assert not CaseNotification.objects.exists()
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY
    handler = signal.getsignal(signal.SIGTERM)
    # when the worker runs what is queued
    call_command("worker", "--batch", verbosity=0)
    # then the task ran: the assignee is told, the result is recorded, the signals are ours again
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert list(CaseNotification.objects.values_list("recipient", "kind")) == [
        (clerk.pk, "assigned")
    ]
    assert signal.getsignal(signal.SIGTERM) is handler
