"""The official tree, loaded from the real `vietnam-provinces` data."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from bvct.audit.models import AuditEvent
from bvct.orgs.loader import (
    CENTRAL_ORGANISATIONS,
    LoadStats,
    commune_unit_name,
    load_official_units,
    load_units,
    official_units,
    province_unit_name,
)
from bvct.orgs.models import OrgUnit
from bvct.orgs.tests.factories import make_child, tree_problems

pytestmark = pytest.mark.django_db
OFFICIAL_TOTAL = 1 + 6 + 34 + 3321


def test_first_load_creates_the_whole_official_tree() -> None:
    # when
    stats = load_official_units()
    # then
    assert stats == LoadStats(created=OFFICIAL_TOTAL, updated=0, unchanged=0)
    assert OrgUnit.objects.count() == OFFICIAL_TOTAL
    assert OrgUnit.objects.filter(kind="central").count() == 1
    assert OrgUnit.objects.filter(kind="central_org").count() == 6
    assert OrgUnit.objects.filter(kind="province").count() == 34
    assert OrgUnit.objects.filter(kind="commune").count() == 3321
    assert tree_problems() == []
    root = OrgUnit.objects.get(code="TW")
    assert (root.name, root.depth, root.numchild) == ("Trung ương", 1, 40)
    event = AuditEvent.objects.get(action="orgs.tree.load")
    assert event.actor_id is None
    assert event.data == {"created": OFFICIAL_TOTAL, "updated": 0, "unchanged": 0}


def test_codes_names_and_dates_follow_the_package() -> None:
    load_official_units()
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=["T01", "T48", "T15", "X00070"])}
    hanoi, danang, lao_cai, hoan_kiem = (units[c] for c in ("T01", "T48", "T15", "X00070"))
    assert (hanoi.name, hanoi.admin_code, hanoi.valid_from) == (
        "Đảng bộ thành phố Hà Nội",
        "01",
        dt.date(2025, 7, 1),
    )
    assert danang.name == "Đảng bộ thành phố Đà Nẵng"
    assert lao_cai.name == "Đảng bộ tỉnh Lào Cai"
    assert (hoan_kiem.name, hoan_kiem.admin_code, hoan_kiem.kind) == (
        "Đảng bộ phường Hoàn Kiếm",
        "00070",
        "commune",
    )
    assert hanoi.contains(hoan_kiem)
    assert hoan_kiem.depth == 3
    assert (
        hanoi.numchild
        == OrgUnit.objects.filter(OrgUnit.subtree_filter(hanoi.path), depth=3).count()
    )
    assert OrgUnit.objects.get(code="X11914").name == "Đảng bộ đặc khu Cát Hải"
    central = list(OrgUnit.objects.filter(kind="central_org").values_list("code", "name"))
    assert central == list(CENTRAL_ORGANISATIONS)


def test_second_load_changes_nothing() -> None:
    # given a loaded tree with a grassroots unit an administrator added later
    load_official_units()
    ward = OrgUnit.objects.get(code="X00070")
    make_child(ward, code="G-HK-1", kind="grassroots")
    before = list(OrgUnit.objects.order_by("pk").values())
    # when
    stats = load_official_units()
    # then
    assert stats == LoadStats(created=0, updated=0, unchanged=OFFICIAL_TOTAL)
    assert list(OrgUnit.objects.order_by("pk").values()) == before
    assert AuditEvent.objects.filter(action="orgs.tree.load").count() == 1


def test_load_brings_renamed_units_back_to_the_package_names() -> None:
    # given two units whose names differ from the package (as after a package update)
    load_official_units()
    OrgUnit.objects.filter(code="X00070").update(name="Phường Hoàn Kiếm cũ", name_key="x")
    OrgUnit.objects.filter(code="TW").update(name="TW cũ")
    # when
    stats = load_official_units()
    # then
    assert stats == LoadStats(created=0, updated=2, unchanged=OFFICIAL_TOTAL - 2)
    ward = OrgUnit.objects.get(code="X00070")
    assert (ward.name, ward.name_key) == ("Đảng bộ phường Hoàn Kiếm", "dang bo phuong hoan kiem")
    assert OrgUnit.objects.get(code="TW").name == "Trung ương"
    event = AuditEvent.objects.filter(action="orgs.tree.load").order_by("-seq").first()
    assert event is not None
    assert event.data == {"created": 0, "updated": 2, "unchanged": OFFICIAL_TOTAL - 2}


def test_load_adds_missing_units_after_existing_siblings() -> None:
    # given a tree loaded without one commune (as from an older package)
    load_units([spec for spec in official_units() if spec.code != "X00070"])
    hanoi = OrgUnit.objects.get(code="T01")
    last = OrgUnit.objects.filter(OrgUnit.subtree_filter(hanoi.path), depth=3).last()
    assert last is not None
    # when
    stats = load_official_units()
    # then it is created as the last child of Hà Nội
    assert stats == LoadStats(created=1, updated=0, unchanged=OFFICIAL_TOTAL - 1)
    ward = OrgUnit.objects.get(code="X00070")
    assert ward.path == OrgUnit._get_path(hanoi.path, 3, int(last.path[-4:], 36) + 1)
    assert tree_problems() == []


def test_command_prints_the_counts() -> None:
    out = StringIO()
    call_command("orgs", "load", stdout=out)
    call_command("orgs", "load", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].endswith(
        f": {OFFICIAL_TOTAL} created, 0 updated, 0 unchanged (3362 official units)."
    )
    assert lines[1].endswith(
        f": 0 created, 0 updated, {OFFICIAL_TOTAL} unchanged (3362 official units)."
    )


@pytest.mark.parametrize(
    ("name", "division", "expected"),
    [
        ("Thành phố Hà Nội", "thanh_pho_trung_uong", "Đảng bộ thành phố Hà Nội"),
        ("Lào Cai", "tinh", "Đảng bộ tỉnh Lào Cai"),
    ],
)
def test_province_unit_name(name: str, division: str, expected: str) -> None:
    assert province_unit_name(name, division) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Phường Hoàn Kiếm", "Đảng bộ phường Hoàn Kiếm"),
        ("Xã Tân Lập", "Đảng bộ xã Tân Lập"),
        ("Đặc khu Phú Quốc", "Đảng bộ đặc khu Phú Quốc"),
    ],
)
def test_commune_unit_name(name: str, expected: str) -> None:
    assert commune_unit_name(name) == expected
