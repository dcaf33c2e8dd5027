"""Signed checkpoints: what plain verification cannot see (truncation, a rewrite with every
hash recomputed) fails against a checkpoint; an edited checkpoint fails its signature."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pytest_django.fixtures import Settings

from bvct.audit.checkpoint import (
    FORMAT,
    CheckpointFileError,
    SigningKeyError,
    checkpoint_read,
    checkpoint_sign,
    checkpoint_write,
    load_signing_key,
    public_key_b64,
)
from bvct.audit.models import AuditEvent
from bvct.audit.services import ChainTamperedError, checkpoint_create
from bvct.audit.tests.factories import append, as_attacker, rehash_from
from bvct.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def test_checkpoint_signs_the_head_which_is_its_own_audit_event(tmp_path: Path) -> None:
    # given
    append(3)
    # when
    path, checkpoint = checkpoint_create(actor=None, out=tmp_path / "cp.json")
    # then the head is the checkpoint's own event, and the file holds exactly the format's fields
    event = AuditEvent.objects.get(seq=4)
    assert (event.action, checkpoint.seq, checkpoint.hash) == (
        "audit.checkpoint.create",
        4,
        event.hash,
    )
    assert event.data == {"public_key": checkpoint.public_key}
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert sorted(on_disk) == sorted(
        ["format", "seq", "hash", "created_at", "event_count", "public_key", "signature"]
    )
    assert (on_disk["format"], on_disk["seq"], on_disk["hash"], on_disk["event_count"]) == (
        FORMAT,
        4,
        event.hash,
        4,
    )
    assert on_disk["public_key"] == public_key_b64(load_signing_key(create=False))
    assert checkpoint_read(path) == checkpoint


def test_default_checkpoint_path_is_under_var(tmp_path: Path, settings: Settings) -> None:
    settings.VAR_DIR = tmp_path
    append(1)
    path, checkpoint = checkpoint_create(actor=None)
    assert path == tmp_path / "audit-checkpoints" / "checkpoint-2.json"
    assert checkpoint.seq == 2


def test_an_existing_checkpoint_file_is_never_overwritten(tmp_path: Path) -> None:
    # given
    out = tmp_path / "cp.json"
    out.write_text("keep me", encoding="utf-8")
    append(1)
    # when / then
    with pytest.raises(CheckpointFileError, match="đã tồn tại: hãy chọn tên khác"):
        checkpoint_create(actor=None, out=out)
    assert out.read_text(encoding="utf-8") == "keep me"
    assert AuditEvent.objects.count() == 1  # the checkpoint's event was rolled back


def test_a_good_chain_verifies_against_its_checkpoint(tmp_path: Path) -> None:
    # given a checkpoint, and events appended after it
    append(3)
    path, _ = checkpoint_create(actor=None, out=tmp_path / "cp.json")
    append(2)
    # when
    result = verify_chain(checkpoint=checkpoint_read(path))
    # then
    assert (result.ok, result.checked, result.head_seq, result.checkpoint_seq) == (True, 6, 6, 4)


def test_truncation_below_the_checkpoint_head_is_detected(tmp_path: Path) -> None:
    # given a checkpoint at #4 and two later events
    append(3)
    path, _ = checkpoint_create(actor=None, out=tmp_path / "cp.json")
    append(2)
    # when the attacker deletes the newest events, back to #3
    with as_attacker():
        AuditEvent.objects.filter(seq__gte=4).delete()
    # then the chain alone looks fine, the checkpoint says otherwise
    assert verify_chain().ok
    result = verify_chain(checkpoint=checkpoint_read(path))
    assert (result.code, result.first_bad_seq, result.checked, result.checkpoint_seq) == (
        "truncated",
        4,
        3,
        4,
    )


def test_a_wholesale_rewrite_passes_plain_verify_but_fails_against_the_checkpoint(
    tmp_path: Path,
) -> None:
    # given
    append(3)
    path, _ = checkpoint_create(actor=None, out=tmp_path / "cp.json")
    append(1)
    # when the attacker rewrites #2 and recomputes every hash after it
    with as_attacker():
        AuditEvent.objects.filter(seq=2).update(data={"n": 99})
        rehash_from(2)
    # then
    assert verify_chain().ok
    result = verify_chain(checkpoint=checkpoint_read(path))
    assert (result.code, result.first_bad_seq, result.checked) == ("checkpoint_mismatch", 4, 3)


@pytest.mark.parametrize(("field", "value"), [("seq", 3), ("hash", "0" * 64), ("event_count", 9)])
def test_an_edited_checkpoint_fails_its_signature(
    tmp_path: Path, field: str, value: object
) -> None:
    # given
    append(3)
    path, _ = checkpoint_create(actor=None, out=tmp_path / "cp.json")
    # when someone edits the file
    edited = json.loads(path.read_text(encoding="utf-8"))
    edited[field] = value
    path.write_text(json.dumps(edited), encoding="utf-8")
    # then
    result = verify_chain(checkpoint=checkpoint_read(path))
    assert (result.code, result.first_bad_seq) == ("signature_invalid", None)
    assert result.line() == ("TAMPERED: " + result.reason)


def test_a_checkpoint_signed_with_another_key_is_refused(tmp_path: Path) -> None:
    # given an attacker who rewrote the chain and signed a checkpoint with their own key
    append(3)
    head = AuditEvent.objects.get(seq=3)
    forged = checkpoint_sign(
        seq=3,
        hash=head.hash,
        event_count=3,
        created_at="2026-01-01T00:00:00.000000Z",
        key=Ed25519PrivateKey.generate(),
    )
    load_signing_key(create=True)  # this installation's key
    # when
    result = verify_chain(checkpoint=forged)
    # then
    assert (result.code, result.first_bad_seq) == ("key_mismatch", None)


def test_a_checkpoint_is_refused_over_a_tampered_chain(tmp_path: Path) -> None:
    # given
    append(3)
    with as_attacker():
        AuditEvent.objects.filter(seq=2).update(data={})
    # when / then
    with pytest.raises(ChainTamperedError, match="first bad sequence #2"):
        checkpoint_create(actor=None, out=tmp_path / "cp.json")
    assert not (tmp_path / "cp.json").exists()
    assert AuditEvent.objects.count() == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "không phải JSON"),
        ('{"seq": 1}', "phải có đúng các trường format, seq, hash"),
        (
            json.dumps(
                {
                    "format": FORMAT,
                    "seq": "1",
                    "hash": "0" * 64,
                    "created_at": "",
                    "event_count": 1,
                    "public_key": "",
                    "signature": "",
                }
            ),
            "có trường seq không hợp lệ",
        ),
        (
            json.dumps(
                {
                    "format": "other/1",
                    "seq": 1,
                    "hash": "0" * 64,
                    "created_at": "",
                    "event_count": 1,
                    "public_key": "",
                    "signature": "",
                }
            ),
            "không phải là điểm kiểm dạng bvct-audit-checkpoint/1",
        ),
    ],
)
def test_a_file_that_is_not_a_checkpoint_is_named(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CheckpointFileError, match=message) as error:
        checkpoint_read(path)
    assert str(path) in str(error.value)


def test_a_missing_checkpoint_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CheckpointFileError, match="Không đọc được tệp điểm kiểm") as error:
        checkpoint_read(tmp_path / "nope.json")
    assert str(tmp_path / "nope.json") in str(error.value)


# --- the signing key --------------------------------------------------------------------------


def test_development_generates_a_private_key_readable_by_its_owner_only(
    settings: Settings, tmp_path: Path
) -> None:
    # given no key yet
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "keys" / "audit.pem"
    # when
    key = load_signing_key(create=True)
    # then
    path = tmp_path / "keys" / "audit.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(loaded, Ed25519PrivateKey)
    assert public_key_b64(loaded) == public_key_b64(key)
    assert public_key_b64(load_signing_key(create=True)) == public_key_b64(key)  # reused
    assert sorted(p.name for p in path.parent.iterdir()) == ["audit.pem"]  # no temporary left


def test_production_refuses_a_missing_key_and_names_the_file(
    settings: Settings, tmp_path: Path
) -> None:
    settings.IS_PRODUCTION = True
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "missing.pem"
    with pytest.raises(
        SigningKeyError, match=r"không tồn tại\. Hãy đặt AUDIT_SIGNING_KEY_FILE"
    ) as error:
        load_signing_key(create=True)
    assert str(tmp_path / "missing.pem") in str(error.value)
    assert not (tmp_path / "missing.pem").exists()
    append(1)
    with pytest.raises(SigningKeyError):
        checkpoint_create(actor=None, out=tmp_path / "cp.json")
    assert AuditEvent.objects.count() == 1


def test_an_unusable_key_file_is_named(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "garbage.pem"
    path.write_text("not a key", encoding="utf-8")
    settings.AUDIT_SIGNING_KEY_FILE = path
    with pytest.raises(SigningKeyError, match="không phải là khoá riêng PEM") as error:
        load_signing_key(create=True)
    assert str(path) in str(error.value)


def test_an_unreadable_key_file_is_named(settings: Settings, tmp_path: Path) -> None:
    # a directory where the key should be: unreadable as a file, whoever runs the tests (root too)
    path = tmp_path / "audit.pem"
    path.mkdir()
    settings.AUDIT_SIGNING_KEY_FILE = path
    settings.IS_PRODUCTION = True
    with pytest.raises(SigningKeyError, match="Không đọc được tệp khoá ký") as error:
        load_signing_key(create=False)
    assert str(path) in str(error.value)


def test_a_key_of_another_type_is_refused(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "ec.pem"
    path.write_bytes(
        generate_private_key(SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    settings.AUDIT_SIGNING_KEY_FILE = path
    with pytest.raises(SigningKeyError, match="chứa một khoá không phải Ed25519"):
        load_signing_key(create=True)


def test_verifying_needs_the_key_and_never_makes_one(settings: Settings, tmp_path: Path) -> None:
    # given a checkpoint from some key, and no key configured here
    checkpoint = checkpoint_sign(
        seq=1, hash="0" * 64, event_count=1, created_at="", key=Ed25519PrivateKey.generate()
    )
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "absent.pem"
    # when / then
    with pytest.raises(SigningKeyError, match="không tồn tại"):
        verify_chain(checkpoint=checkpoint)
    assert not (tmp_path / "absent.pem").exists()


def test_checkpoint_write_leaves_only_the_file(tmp_path: Path) -> None:
    checkpoint = checkpoint_sign(
        seq=1, hash="0" * 64, event_count=1, created_at="", key=Ed25519PrivateKey.generate()
    )
    checkpoint_write(checkpoint, tmp_path / "dir" / "cp.json")
    assert [p.name for p in (tmp_path / "dir").iterdir()] == ["cp.json"]
    assert checkpoint_read(tmp_path / "dir" / "cp.json") == checkpoint
