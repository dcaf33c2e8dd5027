"""`bvct audit verify [--against FILE]` and `bvct audit checkpoint [--out FILE]`."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from pytest_django.fixtures import Settings

from bvct.audit.models import AuditEvent, ChainVerification
from bvct.audit.tests.factories import append, as_attacker

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str]:
    """Exit code and standard output of `bvct audit ...`."""
    out = StringIO()
    with translation.override("vi"):
        try:
            call_command("audit", *args, stdout=out)
        except SystemExit as exit_:
            return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_verify_prints_ok_and_records_the_run() -> None:
    # given
    append(3)
    head = AuditEvent.objects.get(seq=3).hash
    # when
    code, output = run("verify")
    # then
    assert (code, output) == (0, f"OK: 3 events, head #3 {head}\n")
    record = ChainVerification.objects.get()
    assert (record.is_ok, record.code, record.checked, record.head_seq, record.actor_id) == (
        True,
        "ok",
        3,
        3,
        None,
    )
    event = AuditEvent.objects.get(seq=4)
    assert (event.action, event.actor_id, event.target_id) == (
        "audit.chain.verify",
        None,
        str(record.pk),
    )
    assert event.data == {
        "ok": True,
        "code": "ok",
        "checked": 3,
        "head_seq": 3,
        "first_bad_seq": None,
        "checkpoint_seq": None,
    }


def test_verify_prints_the_first_bad_sequence_and_exits_1() -> None:
    # given
    append(4)
    with as_attacker():
        AuditEvent.objects.filter(seq=3).delete()
    # when
    code, output = run("verify")
    # then
    assert (code, output) == (
        1,
        "TAMPERED: first bad sequence #3: Sự kiện #3 bị thiếu: dãy số thứ tự nhảy qua nó "
        "(một dòng đã bị xoá).\n",
    )
    record = ChainVerification.objects.get()
    assert (record.is_ok, record.code, record.first_bad_seq, record.checked) == (
        False,
        "seq_gap",
        3,
        2,
    )


def test_checkpoint_prints_the_path_and_head(tmp_path: Path) -> None:
    # given
    append(2)
    out = tmp_path / "cp.json"
    # when
    code, output = run("checkpoint", "--out", str(out))
    # then
    head = AuditEvent.objects.get(seq=3)
    assert (code, output) == (0, f"{out}\nhead #3 {head.hash}\n")
    assert head.action == "audit.checkpoint.create"
    assert json.loads(out.read_text(encoding="utf-8"))["seq"] == 3


def test_checkpoint_defaults_to_var(tmp_path: Path, settings: Settings) -> None:
    settings.VAR_DIR = tmp_path
    code, output = run("checkpoint")
    head = AuditEvent.objects.get(seq=1)
    path = tmp_path / "audit-checkpoints" / "checkpoint-1.json"
    assert (code, output) == (0, f"{path}\nhead #1 {head.hash}\n")


def test_verify_against_a_good_checkpoint_is_ok(tmp_path: Path) -> None:
    append(2)
    run("checkpoint", "--out", str(tmp_path / "cp.json"))
    code, output = run("verify", "--against", str(tmp_path / "cp.json"))
    assert (code, output) == (0, f"OK: 3 events, head #3 {AuditEvent.objects.get(seq=3).hash}\n")
    assert ChainVerification.objects.get().checkpoint_seq == 3


def test_verify_against_an_edited_checkpoint_exits_1(tmp_path: Path) -> None:
    # given
    append(2)
    path = tmp_path / "cp.json"
    run("checkpoint", "--out", str(path))
    edited = json.loads(path.read_text(encoding="utf-8"))
    edited["seq"] = 2
    path.write_text(json.dumps(edited), encoding="utf-8")
    # when
    code, output = run("verify", "--against", str(path))
    # then
    assert (code, output) == (
        1,
        "TAMPERED: Chữ ký của điểm kiểm không hợp lệ: tệp đã bị sửa sau khi ký.\n",
    )


def test_verify_against_a_truncated_chain_exits_1(tmp_path: Path) -> None:
    append(2)
    path = tmp_path / "cp.json"
    run("checkpoint", "--out", str(path))
    with as_attacker():
        AuditEvent.objects.filter(seq=3).delete()
    code, output = run("verify", "--against", str(path))
    assert (code, output) == (
        1,
        "TAMPERED: first bad sequence #3: Chuỗi kết thúc trước sự kiện #3, nhưng điểm kiểm "
        "đã ký xác nhận các sự kiện đến #3: các sự kiện cuối chuỗi đã bị xoá.\n",
    )


def test_checkpoint_over_a_tampered_chain_exits_1(tmp_path: Path) -> None:
    append(2)
    with as_attacker():
        AuditEvent.objects.filter(seq=1).update(action="test.changed")
    code, output = run("checkpoint", "--out", str(tmp_path / "cp.json"))
    assert code == 1
    assert output.startswith("TAMPERED: first bad sequence #1: ")
    assert not (tmp_path / "cp.json").exists()


def test_a_missing_key_in_production_is_a_command_error_naming_the_file(
    tmp_path: Path, settings: Settings
) -> None:
    settings.IS_PRODUCTION = True
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "prod.pem"
    with pytest.raises(CommandError, match=r"prod\.pem"):
        call_command("audit", "checkpoint", "--out", str(tmp_path / "cp.json"))
    assert AuditEvent.objects.count() == 0


def test_an_unreadable_checkpoint_is_a_command_error_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"nope\.json"):
        call_command("audit", "verify", "--against", str(tmp_path / "nope.json"))
    assert ChainVerification.objects.count() == 0
