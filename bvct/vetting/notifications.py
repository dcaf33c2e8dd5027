"""Who is told about a case event. Runs after commit (from `tasks.case_notify_task`)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from bvct.accounts.models import RoleCode, User
from bvct.vetting.models import Case, CaseNotification

Kind = CaseNotification.Kind


def _recipients(case: Case, kind: str) -> list[User]:
    if kind == Kind.ASSIGNED:
        return [case.assignee] if case.assignee is not None else []
    if kind == Kind.ESCALATED:
        step = case.current_step
        if step is None or step.escalated_to is None:
            return []
        return list(
            User.objects.filter(
                org_unit=step.escalated_to,
                is_active=True,
                roles__code__in=[RoleCode.OFFICER, RoleCode.APPROVER],
            ).distinct()
        )
    people: list[User] = []
    account = case.person.account
    if account is not None and account.is_active:
        people.append(account)  # the subject: the member portal shows the new stage
    if case.assignee is not None:
        people.append(case.assignee)
    return people


@transaction.atomic
def case_notifications_create(*, case_id: int, kind: str, event_key: str) -> int:
    """Create the notifications of one event; idempotent (one per recipient and event)."""
    case = (
        Case.objects.select_related("person__account", "assignee", "current_step")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        return 0
    created = 0
    now = timezone.now()
    for recipient in _recipients(case, kind):
        _row, is_new = CaseNotification.objects.get_or_create(
            recipient=recipient,
            event_key=event_key,
            defaults={"case": case, "kind": kind, "status": case.status, "created_at": now},
        )
        created += int(is_new)
    return created
