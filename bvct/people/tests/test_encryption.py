"""Sealed fields on real rows: exact round trip, AAD binding, fail closed, rotation, blind index,
and the data migration's encrypt/decrypt of existing rows."""

from __future__ import annotations

from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.audit.models import AuditEvent
from bvct.core import crypto, sealing
from bvct.core.crypto import SealError
from bvct.core.fields import Envelope
from bvct.declarations.models import Declaration
from bvct.declarations.tests.factories import make_declaration
from bvct.people import dossier_keys
from bvct.people.models import DossierKey, Person, RecordedIssue, Relative
from bvct.people.tests.factories import make_issue, make_person, make_relative
from conftest import Tree


@pytest.fixture
def clerk(tree: Tree) -> User:
    return make_user(org_unit=tree.commune_a1, roles=(RoleCode.CLERK,), clearance=3)


@pytest.fixture
def person(tree: Tree) -> Person:
    return make_person(org_unit=tree.commune_a1)


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])


def _set_raw(table: str, column: str, pk: int, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


FALSY_TEXT = ["", "0", " ", "None", "null", "false", "\n", "0.0"]
FALSY_JSON: list[Any] = [{}, [], 0, False, None, "", "0", {"a": ""}, [None, 0, ""]]


def test_falsy_texts_and_json_values_round_trip_exactly(person: Person, clerk: User) -> None:
    issues = [make_issue(person=person, created_by=clerk, summary=value) for value in FALSY_TEXT]
    for issue, value in zip(issues, FALSY_TEXT, strict=True):
        assert _raw("people_recordedissue", "summary", issue.pk).startswith("bvct1:")
        assert RecordedIssue.objects.get(pk=issue.pk).summary == value
    for number, value in enumerate(FALSY_JSON, start=1):
        declaration = make_declaration(
            person=person, entered_by=clerk, number=number, status="submitted", content={}
        )
        declaration = Declaration.objects.create(
            person=person,
            number=number + 100,
            status="submitted",
            channel="paper",
            content=value,
            entered_by=clerk,
            submitted_at=declaration.submitted_at,
            submitted_by=clerk,
        )
        loaded = Declaration.objects.get(pk=declaration.pk).content
        assert loaded == value
        assert type(loaded) is type(value)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text())
def test_any_text_round_trips_through_the_database(person: Person, clerk: User, text: str) -> None:
    issue = make_issue(person=person, created_by=clerk, summary=text.replace("\x00", ""))
    issue.refresh_from_db()
    assert issue.summary == text.replace("\x00", "")  # PostgreSQL text holds no NUL


def test_a_ciphertext_moved_to_another_row_or_column_does_not_open(
    person: Person, clerk: User
) -> None:
    first = make_issue(person=person, created_by=clerk, summary="Nội dung thứ nhất")
    second = make_issue(person=person, created_by=clerk, summary="Nội dung thứ hai")
    relative = make_relative(person=person, cccd="001095012345")
    # swap the two summaries in the database, and copy one into the relative's CCCD
    a = _raw("people_recordedissue", "summary", first.pk)
    b = _raw("people_recordedissue", "summary", second.pk)
    _set_raw("people_recordedissue", "summary", first.pk, b)
    _set_raw("people_recordedissue", "summary", second.pk, a)
    _set_raw("people_relative", "cccd", relative.pk, a)
    for pk in (first.pk, second.pk):
        with pytest.raises(SealError, match="does not open here"):
            _ = RecordedIssue.objects.get(pk=pk).summary
    with pytest.raises(SealError, match="does not open here"):
        _ = Relative.objects.get(pk=relative.pk).cccd
    # and plaintext written around the field is refused, never shown
    _set_raw("people_recordedissue", "summary", first.pk, "Nội dung thứ nhất")
    with pytest.raises(SealError, match="not a sealed value"):
        _ = RecordedIssue.objects.get(pk=first.pk).summary


def test_a_wrong_or_missing_key_fails_closed(
    person: Person, clerk: User, settings: SimpleNamespace
) -> None:
    issue = make_issue(person=person, created_by=clerk, summary="Bí mật")
    assert DossierKey.objects.get(person=person).kek_id == "t2"
    # the same key id with other key material: nothing opens, nothing is written
    settings.FIELD_KEYS = {"t2": b"\x09" * 32, "t1": b"\x01" * 32}
    with pytest.raises(SealError, match="'t2' does not open it"):
        _ = RecordedIssue.objects.get(pk=issue.pk).summary
    with pytest.raises(SealError, match="'t2' does not open it"):
        make_issue(person=person, created_by=clerk, summary="mới")
    # the key id no longer configured
    settings.FIELD_KEYS = {"t1": b"\x01" * 32}
    settings.FIELD_ACTIVE_KEY = "t1"
    with pytest.raises(SealError, match="'t2' is not configured"):
        _ = RecordedIssue.objects.get(pk=issue.pk).summary
    # a plain value in a query is refused rather than matching nothing
    with pytest.raises(SealError, match="cannot be compared"):
        list(RecordedIssue.objects.filter(summary="Bí mật"))


def test_rotation_rewraps_in_batches_and_resumes_after_an_interruption(
    tree: Tree, clerk: User, settings: SimpleNamespace
) -> None:
    # given five dossiers whose data keys are under t1
    settings.FIELD_ACTIVE_KEY = "t1"
    people = [make_person(org_unit=tree.commune_a1) for _ in range(5)]
    issues = [make_issue(person=p, created_by=clerk, summary=f"Vấn đề {p.pk}") for p in people]
    assert dossier_keys.key_status() == {"t1": 5}
    before = {i.pk: _raw("people_recordedissue", "summary", i.pk) for i in issues}
    # when t2 becomes active and the job stops after its first batch (as if killed)
    settings.FIELD_ACTIVE_KEY = "t2"
    first = dossier_keys.rotate(actor=None, batch_size=2, max_batches=1)
    assert (first.rewrapped, first.left) == (2, 3)
    assert dossier_keys.key_status() == {"t1": 3, "t2": 2}
    for issue in issues:  # both KEKs still configured: everything opens mid-rotation
        assert RecordedIssue.objects.get(pk=issue.pk).summary == f"Vấn đề {issue.person_id}"
    # then running it again finishes the rest, and progress is reported per batch
    seen: list[tuple[int, int, int]] = []
    rest = dossier_keys.rotate(actor=None, batch_size=2, progress=lambda *p: seen.append(p))
    assert (rest.rewrapped, rest.batches, rest.left) == (3, 2, 0)
    assert seen == [(1, 2, 1), (2, 3, 0)]
    assert dossier_keys.key_status() == {"t2": 5}
    assert AuditEvent.objects.filter(action="people.keys.rotate").count() == 3
    # the sealed values were not rewritten, and t1 can now be removed
    assert {i.pk: _raw("people_recordedissue", "summary", i.pk) for i in issues} == before
    settings.FIELD_KEYS = {"t2": b"\x02" * 32}
    for issue in issues:
        assert RecordedIssue.objects.get(pk=issue.pk).summary == f"Vấn đề {issue.person_id}"
    assert dossier_keys.rotate(actor=None).rewrapped == 0


def test_keys_commands_generate_status_and_rotate(
    tree: Tree, clerk: User, settings: SimpleNamespace
) -> None:
    settings.FIELD_ACTIVE_KEY = "t1"
    for _ in range(3):
        make_issue(person=make_person(org_unit=tree.commune_a1), created_by=clerk)
    settings.FIELD_ACTIVE_KEY = "t2"
    out = StringIO()
    call_command("keys", "status", stdout=out)
    assert "t1: 3 data keys" in out.getvalue()
    assert "t2 (active): 0 data keys" in out.getvalue()
    assert "to rotate: 3" in out.getvalue()
    out = StringIO()
    call_command("keys", "rotate", "--batch-size", "2", stdout=out)
    assert out.getvalue().splitlines() == [
        "batch 1: 2 re-wrapped under t2, 1 left",
        "batch 2: 3 re-wrapped under t2, 0 left",
        "done: 3 data keys re-wrapped in 2 batches; all 3 under t2",
    ]
    out = StringIO()
    call_command("keys", "generate", stdout=out)
    key_id, encoded = out.getvalue().strip().split(":")
    assert key_id == "t3" or key_id.startswith("k")
    assert len(crypto.b64decode(encoded)) == 32


def test_relative_cccd_is_sealed_and_found_through_its_blind_index(
    person: Person, tree: Tree
) -> None:
    other = make_person(org_unit=tree.commune_a1)
    relative = make_relative(person=person, cccd="001095012345")
    twin = make_relative(person=other, cccd="001095012345")
    make_relative(person=other, full_name="Trần Thị Mẹ", cccd="")
    raw = _raw("people_relative", "cccd", relative.pk)
    assert "001095012345" not in raw
    assert raw.startswith("bvct1:")
    assert Relative.objects.get(pk=relative.pk).cccd == "001095012345"
    index = dossier_keys.cccd_index("001095012345")
    found = Relative.objects.filter(cccd_bidx=index).order_by("pk")
    assert list(found) == [relative, twin]
    # changing the CCCD moves the index with it
    twin.cccd = "001095099999"
    twin.save(update_fields=["cccd"])
    assert list(Relative.objects.filter(cccd_bidx=index)) == [relative]
    assert Relative.objects.filter(cccd_bidx="").count() == 1


def test_the_data_migration_seals_existing_rows_and_opens_them_back(
    person: Person, clerk: User
) -> None:
    # given rows still in plaintext, as before the migration
    issue = make_issue(person=person, created_by=clerk, summary="x")
    relative = make_relative(person=person, cccd="")
    _set_raw("people_recordedissue", "summary", issue.pk, "Nội dung cũ")
    _set_raw("people_relative", "cccd", relative.pk, "001095012345")
    editor = SimpleNamespace(connection=connection)
    columns = __import__("bvct.people.migrations.0005_sealed_fields", fromlist=["COLUMNS"]).COLUMNS
    # when the migration's step runs (twice: it is resumable)
    sealing.seal_columns(editor, *columns)  # type: ignore[arg-type]
    sealed = _raw("people_recordedissue", "summary", issue.pk)
    sealing.seal_columns(editor, *columns)  # type: ignore[arg-type]
    # then the rows are sealed, read back through the ORM, and the blind index is filled
    assert _raw("people_recordedissue", "summary", issue.pk) == sealed
    assert "Nội dung cũ" not in sealed
    assert RecordedIssue.objects.get(pk=issue.pk).summary == "Nội dung cũ"
    assert Relative.objects.get(pk=relative.pk).cccd == "001095012345"
    assert Relative.objects.get(cccd_bidx=dossier_keys.cccd_index("001095012345")) == relative
    # and the reverse step writes the plaintext back
    sealing.open_columns(editor, *columns)  # type: ignore[arg-type]
    assert _raw("people_recordedissue", "summary", issue.pk) == "Nội dung cũ"
    assert _raw("people_relative", "cccd", relative.pk) == "001095012345"


def test_a_merge_moves_sealed_issues_and_they_still_open(tree: Tree, clerk: User) -> None:
    keep, duplicate = make_person(org_unit=tree.commune_a1), make_person(org_unit=tree.commune_a1)
    issue = make_issue(person=duplicate, created_by=clerk, summary="Trên hồ sơ trùng")
    RecordedIssue.objects.filter(pk=issue.pk).update(person=keep)  # what person_merge does
    loaded = RecordedIssue.objects.get(pk=issue.pk)
    assert (loaded.person_id, loaded.summary) == (keep.pk, "Trên hồ sơ trùng")
    assert isinstance(RecordedIssue.objects.values_list("summary", flat=True)[0], Envelope)
