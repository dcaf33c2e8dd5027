"""Seed the official 2025 tree: Trung ương, the central party organisations, the 34 provincial
party organisations and the 3,321 commune/ward/special-zone party committees.

Data comes from the `vietnam-provinces` package (the administrative map of NQ 202/2025/QH15, in
force from 01/7/2025). Codes are stable and are what other code refers to:

    TW          Trung ương (the root)
    TW-…        central party organisations (`CENTRAL_ORGANISATIONS`)
    T01 … T96   provincial party organisations, from the province code (Hà Nội T01, Đà Nẵng T48)
    X00004 …    commune party committees, from the ward code (phường Hoàn Kiếm X00070)

`load_official_units()` is idempotent: it creates what is missing and updates the name and the
administrative code of what exists (when the package renames a unit), in one transaction, with
one audit event. It never moves, ends or deletes a node: merges and moves are decisions made
through `services.unit_merge`, and a re-run must not undo them.

Speed: adding 3,362 nodes one by one through treebeard costs several queries each. Instead the
paths are computed with treebeard's own helper (`OrgUnit._get_path`) after the parent's last
existing child and the rows are inserted with `bulk_create`; a parent created in the same run
carries its `numchild`, an existing parent's `numchild` is raised by the children it received.
`bulk_create` skips `save()`, so the NFC name and the folded search key are set here exactly as
`OrgUnit.save` sets them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from vietnam_provinces import Province, Ward

from bvct.audit.services import audit_record
from bvct.core.text import fold, nfc
from bvct.orgs.models import OrgUnit

ROOT_CODE = "TW"
ROOT_NAME = "Trung ương"
OFFICIAL_VALID_FROM = dt.date(2025, 7, 1)
_BATCH_SIZE = 500

# Central party organisations directly under Trung ương. The names follow 2025 press usage
# (Kết luận 127-KL/TW and news reports of the restructuring); the final official names were not
# confirmed against the founding decisions (see docs domain.md §4.2) and MUST be checked.
CENTRAL_ORGANISATIONS: tuple[tuple[str, str], ...] = (
    ("TW-CP", "Đảng bộ Chính phủ"),
    ("TW-QH", "Đảng bộ Quốc hội"),
    ("TW-CQD", "Đảng bộ các cơ quan Đảng Trung ương"),
    ("TW-MT", "Đảng bộ Mặt trận Tổ quốc, các đoàn thể Trung ương"),
    ("TW-QUT", "Đảng bộ Quân đội"),
    ("TW-CA", "Đảng bộ Công an Trung ương"),
)

# How a unit's administrative type reads after "Đảng bộ " (lower case, as in running text).
_PROVINCE_PREFIX = {"thanh_pho_trung_uong": "thành phố", "tinh": "tỉnh"}


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    kind: str
    parent_code: str | None
    admin_code: str = ""
    valid_from: dt.date | None = None


@dataclass(frozen=True)
class LoadStats:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def province_code(code: int) -> str:
    return f"T{int(code):02d}"


def commune_code(code: int) -> str:
    return f"X{int(code):05d}"


def province_unit_name(name: str, division: str) -> str:
    """'Thành phố Hà Nội' -> 'Đảng bộ thành phố Hà Nội'; 'Lào Cai' -> 'Đảng bộ tỉnh Lào Cai'."""
    prefix = _PROVINCE_PREFIX[division]
    if name.lower().startswith(prefix):
        name = name[len(prefix) :].strip()
    return f"Đảng bộ {prefix} {name}"


def commune_unit_name(name: str) -> str:
    """'Phường Hoàn Kiếm' -> 'Đảng bộ phường Hoàn Kiếm' (also 'xã …', 'đặc khu …')."""
    return f"Đảng bộ {name[:1].lower()}{name[1:]}"


def official_units() -> Iterator[UnitSpec]:
    """Every official unit, parents before children."""
    yield UnitSpec(ROOT_CODE, ROOT_NAME, OrgUnit.Kind.CENTRAL, None)
    for code, name in CENTRAL_ORGANISATIONS:
        yield UnitSpec(code, name, OrgUnit.Kind.CENTRAL_ORG, ROOT_CODE)
    for province in sorted(Province.iter_all(), key=lambda p: int(p.code)):
        yield UnitSpec(
            province_code(province.code),
            province_unit_name(province.name, province.division_type.name.lower()),
            OrgUnit.Kind.PROVINCE,
            ROOT_CODE,
            admin_code=f"{int(province.code):02d}",
            valid_from=OFFICIAL_VALID_FROM,
        )
    for ward in sorted(Ward.iter_all(), key=lambda w: int(w.code)):
        yield UnitSpec(
            commune_code(ward.code),
            commune_unit_name(ward.name),
            OrgUnit.Kind.COMMUNE,
            province_code(ward.province_code),
            admin_code=f"{int(ward.code):05d}",
            valid_from=OFFICIAL_VALID_FROM,
        )


def load_official_units() -> LoadStats:
    """Create or update the official units; see the module docstring."""
    return load_units(list(official_units()))


@dataclass
class _Plan:
    to_create: list[OrgUnit] = field(default_factory=list)
    to_update: list[OrgUnit] = field(default_factory=list)
    unchanged: int = 0
    added_under: dict[str, int] = field(default_factory=lambda: defaultdict(int))


@transaction.atomic
def load_units(specs: list[UnitSpec]) -> LoadStats:
    """Create missing units and update changed names, in one transaction with one audit event.

    `specs[0]` is the root and parents come before their children. A parent may also be a unit
    that already exists and is not in `specs`.
    """
    codes = {spec.code for spec in specs} | {spec.parent_code for spec in specs if spec.parent_code}
    existing = _existing_by_code(sorted(codes))
    root = _ensure_root(specs[0], existing)
    plan = _plan(specs[1:], existing)
    OrgUnit.objects.bulk_create(plan.to_create, batch_size=_BATCH_SIZE)
    OrgUnit.objects.bulk_update(plan.to_update, ["name", "name_key", "admin_code"], _BATCH_SIZE)
    for path, added in plan.added_under.items():
        OrgUnit.objects.filter(path=path).update(numchild=F("numchild") + added)
    stats = LoadStats(
        created=len(plan.to_create) + root.created,
        updated=len(plan.to_update) + root.updated,
        unchanged=plan.unchanged + (1 - root.created - root.updated),
    )
    if stats.created or stats.updated:  # a run that changes nothing leaves no trace
        audit_record(
            actor=None,
            action="orgs.tree.load",
            target=root.unit,
            org_unit=root.unit,
            data={"created": stats.created, "updated": stats.updated, "unchanged": stats.unchanged},
        )
    return stats


def _plan(specs: list[UnitSpec], existing: dict[str, OrgUnit]) -> _Plan:
    plan = _Plan()
    next_step: dict[str, int] = {}  # parent path -> next free step under it
    for spec in specs:
        unit = existing.get(spec.code)
        if unit is not None:
            if _refresh(unit, spec):
                plan.to_update.append(unit)
            else:
                plan.unchanged += 1
            continue
        parent = existing[spec.parent_code or ROOT_CODE]
        if parent.path not in next_step:  # a unit created in this run has no children yet
            next_step[parent.path] = 1 if parent._state.adding else _last_child_step(parent) + 1
        unit = _new_unit(spec, parent, next_step[parent.path])
        next_step[parent.path] += 1
        if parent._state.adding:  # not inserted yet: its count goes in with it
            parent.numchild += 1
        else:
            plan.added_under[parent.path] += 1
        existing[spec.code] = unit
        plan.to_create.append(unit)
    return plan


@dataclass(frozen=True)
class _RootOutcome:
    unit: OrgUnit
    created: int
    updated: int


def _existing_by_code(codes: Iterable[str]) -> dict[str, OrgUnit]:
    wanted = list(codes)
    found: dict[str, OrgUnit] = {}
    fields = ("id", "code", "name", "name_key", "admin_code", "path", "depth", "numchild")
    for start in range(0, len(wanted), _BATCH_SIZE):
        chunk = wanted[start : start + _BATCH_SIZE]
        for unit in OrgUnit.objects.filter(code__in=chunk).only(*fields):
            found[unit.code] = unit
    return found


def _ensure_root(spec: UnitSpec, existing: dict[str, OrgUnit]) -> _RootOutcome:
    unit = existing.get(spec.code)
    if unit is None:
        unit = OrgUnit.objects.add_root(
            create_kwargs={"code": spec.code, "name": spec.name, "kind": spec.kind}
        )
        existing[spec.code] = unit
        return _RootOutcome(unit, created=1, updated=0)
    if _refresh(unit, spec):
        unit.save(update_fields=["name", "name_key", "admin_code"])
        return _RootOutcome(unit, created=0, updated=1)
    return _RootOutcome(unit, created=0, updated=0)


def _refresh(unit: OrgUnit, spec: UnitSpec) -> bool:
    """Bring name and admin code up to date in memory; True when something changed."""
    name = nfc(spec.name)
    if unit.name == name and unit.admin_code == spec.admin_code:
        return False
    unit.name, unit.name_key, unit.admin_code = name, fold(name), spec.admin_code
    return True


def _last_child_step(parent: OrgUnit) -> int:
    """The step number of the parent's last child (0 when it has none)."""
    low, high = OrgUnit._get_children_path_interval(parent.path)
    last = (
        OrgUnit.objects.filter(path__range=(low, high), depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    return 0 if last is None else OrgUnit._str2int(last[-OrgUnit.steplen :])


def _new_unit(spec: UnitSpec, parent: OrgUnit, step: int) -> OrgUnit:
    name = nfc(spec.name)
    depth = parent.depth + 1
    return OrgUnit(
        path=OrgUnit._get_path(parent.path, depth, step),
        depth=depth,
        numchild=0,
        code=spec.code,
        name=name,
        name_key=fold(name),
        kind=spec.kind,
        admin_code=spec.admin_code,
        valid_from=spec.valid_from,
    )
