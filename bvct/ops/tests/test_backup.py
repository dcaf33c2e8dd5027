"""Restore drill (issue 12 item 3), on the database of the run (SQLite: online backup API;
PostgreSQL: pg_dump/pg_restore): load data, back up, alter, restore, and prove that the row count
of every table and the audit-chain head are the backup's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from bvct.accounts.models import RoleCode
from bvct.accounts.tests.factories import make_user
from bvct.audit.models import AuditEvent
from bvct.audit.verify import verify_chain
from bvct.ops.backup import AUDIT_TABLE, Manifest, current_state, manifest_path
from bvct.orgs.models import OrgUnit
from bvct.orgs.services import unit_rename
from bvct.orgs.tests.factories import make_child
from bvct.people.models import Person
from bvct.people.tests.factories import make_person
from conftest import Tree


def _data(tree: Tree) -> Any:
    admin = make_user(org_unit=tree.root, roles=(RoleCode.ADMIN,))
    for n in range(3):
        make_person(org_unit=tree.commune_a1, full_name=f"Trần Thị Lan {n}")
    unit_rename(unit=tree.prov_a, name="Tỉnh Ánh Dương", actor=admin)
    unit_rename(unit=tree.prov_b, name="Tỉnh Bình Minh", actor=admin)
    return admin


def test_restore_drill_row_counts_and_audit_head_match_the_backup(
    transactional_db: None, tree: Tree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given some data and its audit events
    admin = _data(tree)
    before_counts, before_head = current_state()
    assert before_head.seq >= 2

    # when it is backed up
    dump = tmp_path / ("drill.sqlite3" if connection.vendor == "sqlite" else "drill.dump")
    call_command("backup", str(dump))
    manifest = Manifest.read(manifest_path(dump))
    assert (manifest.vendor, manifest.dump, manifest.audit_head) == (
        connection.vendor,
        dump.name,
        before_head,
    )
    assert manifest.tables == before_counts
    assert manifest.tables["people_person"] == 3
    assert dump.stat().st_mode & 0o777 == 0o600
    assert AuditEvent.objects.order_by("-seq").first().action == "ops.backup"  # type: ignore[union-attr]

    # and then altered: people removed, a unit renamed and one added, more audit events
    Person.objects.all().delete()
    unit_rename(unit=tree.prov_a, name="Tỉnh Đã Đổi", actor=admin)
    make_child(tree.prov_b, name="Xã Mới", code="X-NEW")
    altered_counts, altered_head = current_state()
    assert altered_counts != manifest.tables
    assert altered_head.seq > manifest.audit_head.seq

    # without --yes, restore only says what it would replace; a damaged dump, or one without
    # its manifest, is refused; a backup never overwrites a file
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(dump))
    damaged = tmp_path / f"damaged-{dump.name}"
    data = bytearray(dump.read_bytes())
    data[200] ^= 0xFF
    damaged.write_bytes(bytes(data))
    manifest_path(damaged).write_text(manifest_path(dump).read_text())
    with pytest.raises(CommandError, match="SHA-256 differs"):
        call_command("restore", str(damaged), "--yes")
    manifest_path(damaged).unlink()
    with pytest.raises(CommandError, match=r"manifest .* is missing"):
        call_command("restore", str(damaged), "--yes")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(dump))
    assert current_state() == (altered_counts, altered_head)

    # when it is restored
    capsys.readouterr()
    call_command("restore", str(dump), "--yes")

    # then every table has the backup's row count and the chain ends at the backup's head,
    # followed by the one event that records the restore
    counts, head = current_state()
    audit_rows = manifest.tables[AUDIT_TABLE]
    assert counts == {**manifest.tables, AUDIT_TABLE: audit_rows + 1}
    restored = AuditEvent.objects.get(seq=manifest.audit_head.seq)
    assert restored.hash == manifest.audit_head.hash
    last = AuditEvent.objects.get(seq=head.seq)
    assert (head.seq, last.action, last.data["head_seq"], last.data["matches"]) == (
        manifest.audit_head.seq + 1,
        "ops.restore",
        manifest.audit_head.seq,
        True,
    )
    assert verify_chain().ok
    assert OrgUnit.objects.get(pk=tree.prov_a.pk).name == "Tỉnh Ánh Dương"
    assert not OrgUnit.objects.filter(code="X-NEW").exists()
    assert sorted(Person.objects.values_list("full_name", flat=True)) == [
        "Trần Thị Lan 0",
        "Trần Thị Lan 1",
        "Trần Thị Lan 2",
    ]
    out = capsys.readouterr().out
    assert f"audit head #{manifest.audit_head.seq} {manifest.audit_head.hash}" in out


def test_a_backup_of_the_other_database_kind_is_refused(db: None, tmp_path: Path) -> None:
    dump = tmp_path / "other.bak"
    dump.write_bytes(b"x")
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    manifest = {
        "format": "bvct-backup/1",
        "created_at": "2026-01-01T00:00:00+00:00",
        "vendor": other,
        "database": "x",
        "dump": dump.name,
        "size": 1,
        "sha256": "0" * 64,
        "audit_head": {"seq": 0, "hash": "0" * 64},
        "tables": {},
    }
    manifest_path(dump).write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match=f"is a {other} backup"):
        call_command("restore", str(dump), "--yes")
