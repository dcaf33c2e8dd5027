"""The "nothing changed" check for refusals."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.forms.models import model_to_dict

from bvct.audit.models import AuditEvent
from bvct.vetting.models import (
    Case,
    CaseNotification,
    CaseStep,
    CaseTransition,
    ChecklistMark,
    ClockEvent,
    TeamMember,
)


def _snapshot() -> tuple[object, ...]:
    models = (
        Case,
        CaseStep,
        CaseTransition,
        ClockEvent,
        ChecklistMark,
        TeamMember,
        CaseNotification,
    )
    rows = [[model_to_dict(row) for row in model.objects.order_by("pk")] for model in models]
    return (*rows, AuditEvent.objects.count())


@contextlib.contextmanager
def nothing_changes() -> Iterator[None]:
    """Asserts that no case row changed and no audit event was written."""
    before = _snapshot()
    yield
    assert _snapshot() == before
