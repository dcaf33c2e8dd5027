"""The canary test: narrative fields written through the real services are nowhere in plaintext
in the database's storage, while the services read them back.

SQLite: the raw database file and its WAL are scanned. pytest's SQLite test database lives in
memory, so its pages are first copied verbatim, free pages included, into a file with SQLite's
online backup API; a file-based database (`make run`) is scanned as it is, WAL included.
PostgreSQL: the output of `pg_dump` of the test database is scanned.
A control value written to a plaintext column must be found, so the scan itself is proved.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from bvct.declarations import services as declarations
from bvct.declarations.models import Declaration
from bvct.people import services as people
from bvct.people.models import Person, RecordedIssue, Relative
from bvct.people.services.relatives import RelativeFields
from bvct.verification import services as verification
from bvct.verification.defaults import seed_default_reply_limits
from bvct.verification.models import ReplyOutcome, VerificationRequest
from bvct.verification.tests.factories import send_request
from bvct.vetting import dueprocess, services
from bvct.vetting.conclusions import ConclusionInput
from bvct.vetting.models import Appeal, CaseConclusion, CaseType, Explanation, Purpose, Status
from bvct.vetting.tests.conftest import Actors
from bvct.vetting.tests.factories import make_case
from conftest import Tree

CANARY = {
    "declaration": "CANARY-LYLICH-q8Zt3",
    "issue": "CANARY-ISSUE-w4Kp9",
    "cccd": "001095731864",
    "explanation": "CANARY-EXPLAIN-r7Jm2",
    "facts": "CANARY-FACTS-t2Vx6",
    "appeal": "CANARY-APPEAL-y5Hn1",
    "reply": "CANARY-REPLY-u3Lc8",
}
CONTROL = "CANARY-CONTROL-plaintext-e9Qb4"  # written to a plaintext column on purpose


def _write_canaries(tree: Tree, actors: Actors) -> dict[str, int]:
    subject, boss, member = actors.subject, actors.boss, actors.member
    Person.objects.filter(pk=subject.pk).update(residence_text=CONTROL)
    draft = declarations.declaration_start(person=subject, channel="portal", actor=member)
    row = {"from_month": "2013-09", "to_month": None, "activity": CANARY["declaration"],
           "place": "Trường Đại học"}  # fmt: skip
    declarations.declaration_update_section(
        declaration=draft, section="timeline", data=[row], actor=member
    )
    relative = people.relative_create(
        actor=boss,
        person=subject,
        data=RelativeFields(relationship="father", full_name="Nguyễn Văn Cha", cccd=CANARY["cccd"]),
    )
    issue = people.issue_create(
        actor=boss, person=subject, family="political_history", source="declaration",
        summary=CANARY["issue"],
    )  # fmt: skip
    case = make_case(
        person=subject, case_type=CaseType.APPRAISAL, purpose=Purpose.PLANNING_TRAINING,
        status=Status.REVIEW, subject_matter="Thẩm định tiêu chuẩn chính trị",
    )  # fmt: skip
    notice = dueprocess.notice_issue(case=case, actor=boss)
    explanation = dueprocess.explanation_submit(
        notice=notice, actor=member, text=CANARY["explanation"]
    )
    services.case_approve(
        case=case, actor=actors.approver, conclusion=ConclusionInput("meets", CANARY["facts"])
    )
    appeal = dueprocess.appeal_lodge(case=case, actor=member, grounds=CANARY["appeal"])
    admission = make_case(person=subject, status=Status.VERIFYING)
    request = send_request(actor=actors.officer, case=admission, addressee_unit=tree.commune_b1)
    verification.request_receive(actor=actors.outsider, request=request)
    verification.reply_record(
        actor=actors.outsider,
        request=request,
        data=verification.ReplyInput(
            outcome=ReplyOutcome.CERTIFIED_WITH_NOTES, text=CANARY["reply"]
        ),
    )
    return {
        "draft": draft.pk, "relative": relative.pk, "issue": issue.pk,
        "explanation": explanation.pk, "appeal": appeal.pk, "request": request.pk,
        "conclusion": CaseConclusion.objects.get(case=case, is_current=True).pk,
    }  # fmt: skip


def _storage_bytes(tmp_path: Path) -> bytes:
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        pg_dump = shutil.which("pg_dump")
        assert pg_dump, "pg_dump is needed for the PostgreSQL canary run"
        args = [pg_dump, "--no-owner", "-h", settings["HOST"] or "127.0.0.1"]
        args += ["-p", str(settings["PORT"] or 5432), "-U", settings["USER"] or "postgres"]
        done = subprocess.run(  # noqa: S603 (fixed argv)
            [*args, settings["NAME"]], capture_output=True, check=True, timeout=120
        )
        return done.stdout
    name = str(settings["NAME"])
    if connection.is_in_memory_db():  # type: ignore[attr-defined]
        copy = tmp_path / "copy.sqlite3"
        target = sqlite3.connect(copy)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()
        return copy.read_bytes()
    data = Path(name).read_bytes()
    wal = Path(f"{name}-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


@pytest.mark.django_db(transaction=True)
def test_canaries_are_nowhere_in_plaintext_but_read_back(
    tree: Tree, actors: Actors, tmp_path: Path
) -> None:
    seed_default_reply_limits()
    # given canaries written into every sealed field through the services
    ids = _write_canaries(tree, actors)
    # when the database's storage is scanned
    raw = _storage_bytes(tmp_path)
    # then the control value is there, and no canary is
    assert CONTROL.encode() in raw
    found = [name for name, value in CANARY.items() if value.encode() in raw]
    assert found == []
    # while the ORM and the services read every one of them back
    content = Declaration.objects.get(pk=ids["draft"]).content
    assert content["timeline"][0]["activity"] == CANARY["declaration"]
    assert Relative.objects.get(pk=ids["relative"]).cccd == CANARY["cccd"]
    assert RecordedIssue.objects.get(pk=ids["issue"]).summary == CANARY["issue"]
    assert Explanation.objects.get(pk=ids["explanation"]).text == CANARY["explanation"]
    assert CaseConclusion.objects.get(pk=ids["conclusion"]).facts == CANARY["facts"]
    assert Appeal.objects.get(pk=ids["appeal"]).grounds == CANARY["appeal"]
    request = VerificationRequest.objects.get(pk=ids["request"])
    assert request.reply_text == CANARY["reply"]
