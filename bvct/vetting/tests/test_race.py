"""Twenty approvers press "Conclude" at the same moment: one transition, one audit event.

Each thread has its own connection. On PostgreSQL they share the test database and queue on the
case's row lock (SELECT … FOR UPDATE in `case_transition`); whoever comes next sees the concluded
case and is refused by the table. On SQLite the in-memory shared-cache test database refuses a
second writer at once instead of waiting, unlike the file database BVCT runs on, so (as in
bvct/audit/tests/test_concurrency.py) the test copies the database to a file and gives every
thread a connection to it, with the project's settings (WAL, busy_timeout, BEGIN IMMEDIATE).
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.audit.models import AuditEvent
from bvct.core.errors import DomainError
from bvct.orgs.tests.factories import make_child, make_root
from bvct.people.tests.factories import make_person
from bvct.vetting import services
from bvct.vetting.conclusions import ConclusionInput
from bvct.vetting.models import (
    Case,
    CaseConclusion,
    CaseNotice,
    CaseTransition,
    CaseType,
    Purpose,
    Status,
)
from bvct.vetting.tests.factories import make_case
from tests.concurrency import own_connection, sqlite_file_copy

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_approvals_make_one_transition_and_one_event(tmp_path: Path) -> None:
    # given an appraisal awaiting its conclusion, and twenty approvers of the unit
    root = make_root()
    unit = make_child(make_child(root, kind="province"), kind="commune")
    person = make_person(org_unit=unit)
    case = make_case(
        person=person,
        case_type=CaseType.APPRAISAL,
        purpose=Purpose.PLANNING_TRAINING,
        status=Status.REVIEW,
    )
    CaseNotice.objects.create(  # told what is verified; no explanation window left open
        case=case,
        kind=CaseNotice.Kind.OPENING,
        body="Nội dung thẩm định",
        issued_on=dt.date(2020, 1, 2),
        issued_by=case.opened_by,
    )
    approvers = [make_user(org_unit=unit, roles=(RoleCode.APPROVER,)).pk for _ in range(THREADS)]
    file_settings = sqlite_file_copy(tmp_path / "case-race.sqlite3")
    start = threading.Barrier(THREADS)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def approve(user_id: int) -> None:
        with own_connection(file_settings):
            try:
                actor = User.objects.get(pk=user_id)
                mine = Case.objects.get(pk=case.pk)
                actor.role_codes  # noqa: B018 (load the roles before the race starts)
                start.wait()
                try:
                    services.case_approve(
                        case=mine,
                        actor=actor,
                        conclusion=ConclusionInput("meets", "Đủ tiêu chuẩn theo hồ sơ."),
                    )
                    outcomes.append("moved")
                except DomainError as exc:
                    outcomes.append(exc.code)
            except BaseException as exc:  # reported by the assertion below
                errors.append(exc)

    threads = [threading.Thread(target=approve, args=(pk,)) for pk in approvers]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert errors == []
    assert sorted(outcomes) == ["moved"] + ["transition"] * (THREADS - 1)
    with own_connection(file_settings):
        assert Case.objects.get(pk=case.pk).status == Status.CONCLUDED
        assert (
            CaseTransition.objects.filter(case_id=case.pk, from_status=Status.REVIEW).count() == 1
        )
        assert AuditEvent.objects.filter(action="vetting.case.transition").count() == 1
        # and one conclusion, numbered 01
        conclusion = CaseConclusion.objects.get(case_id=case.pk)
        assert (conclusion.number, conclusion.reference) == (1, "Số 01-KL/ĐU")
