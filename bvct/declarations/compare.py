"""Side-by-side comparison of two versions: per section, per row, per field.

Rows of list sections are aligned in two passes of difflib: identical rows pair up as "same";
inside each stretch that differs, rows with the same identity (e.g. relationship and name) pair up
as "changed", and what is left pairs in order as "changed", "removed" or "added". Inserting a
relative in the middle does not mark every later relative as changed, and removing one does not
make the next look edited.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bvct.core.text import fold
from bvct.declarations.schema import SECTIONS, FieldSpec, SectionSpec, display_value


class RowStatus(StrEnum):
    SAME = "same"
    CHANGED = "changed"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True)
class FieldDiff:
    name: str
    old: Any
    new: Any
    spec: FieldSpec = field(compare=False, repr=False)

    @property
    def is_changed(self) -> bool:
        return bool(self.old != self.new)

    @property
    def label(self) -> str:
        return str(self.spec.label)

    @property
    def old_text(self) -> str:
        return display_value(self.spec, self.old)

    @property
    def new_text(self) -> str:
        return display_value(self.spec, self.new)


@dataclass(frozen=True)
class RowDiff:
    status: RowStatus
    old_row: int | None  # 1-based row numbers; None for the single personal-details row
    new_row: int | None
    fields: tuple[FieldDiff, ...]


@dataclass(frozen=True)
class SectionDiff:
    section: str
    rows: tuple[RowDiff, ...]
    spec: SectionSpec = field(compare=False, repr=False)

    @property
    def label(self) -> str:
        return str(self.spec.label)

    @property
    def is_changed(self) -> bool:
        return any(row.status is not RowStatus.SAME for row in self.rows)


def _row_diff(
    spec: SectionSpec,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    old_row: int | None,
    new_row: int | None,
) -> RowDiff:
    fields = tuple(
        FieldDiff(
            f.name,
            None if old is None else old.get(f.name),
            None if new is None else new.get(f.name),
            f,
        )
        for f in spec.fields
    )
    if old is None:
        status = RowStatus.ADDED
    elif new is None:
        status = RowStatus.REMOVED
    else:
        status = RowStatus.CHANGED if any(d.is_changed for d in fields) else RowStatus.SAME
    return RowDiff(status, old_row, new_row, fields)


def _key(row: Any) -> str:
    return json.dumps(row, sort_keys=True, ensure_ascii=False)


def _identity(spec: SectionSpec, row: Any) -> str:
    """Which row this is, whatever else changed in it: e.g. relationship and folded name."""
    if not isinstance(row, Mapping):
        return _key(row)
    return _key([fold(str(row.get(name) or "")) for name in spec.identity])


Pairs = list[tuple[int | None, int | None]]


def _align(old: list[str], new: list[str], *, positional: bool) -> Pairs:
    """Index pairs aligning two sequences (None: no partner). In a replaced block, rows pair in
    order when `positional`, otherwise the block is returned unpaired, old rows first."""
    pairs: Pairs = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal" or (tag == "replace" and positional):
            for offset in range(max(i2 - i1, j2 - j1)):
                i, j = i1 + offset, j1 + offset
                pairs.append((i if i < i2 else None, j if j < j2 else None))
        else:
            pairs.extend((i, None) for i in range(i1, i2))
            pairs.extend((None, j) for j in range(j1, j2))
    return pairs


def _pairs(spec: SectionSpec, old: list[Any], new: list[Any]) -> Pairs:
    """Identical rows first; inside a block that differs, rows with the same identity; what is
    left of a block pairs in order (a row edited in place, even its name, stays one row)."""
    pairs: Pairs = []
    outer = _align([_key(r) for r in old], [_key(r) for r in new], positional=False)
    index = 0
    while index < len(outer):
        if None not in outer[index]:
            pairs.append(outer[index])
            index += 1
            continue
        block = []
        while index < len(outer) and None in outer[index]:
            block.append(outer[index])
            index += 1
        old_ids = [i for i, _ in block if i is not None]
        new_ids = [j for _, j in block if j is not None]
        inner = _align(
            [_identity(spec, old[i]) for i in old_ids],
            [_identity(spec, new[j]) for j in new_ids],
            positional=True,
        )
        pairs.extend(
            (None if a is None else old_ids[a], None if b is None else new_ids[b]) for a, b in inner
        )
    return pairs


def _list_diff(spec: SectionSpec, old: list[Any], new: list[Any]) -> tuple[RowDiff, ...]:
    return tuple(
        _row_diff(
            spec,
            None if i is None else old[i],
            None if j is None else new[j],
            None if i is None else i + 1,
            None if j is None else j + 1,
        )
        for i, j in _pairs(spec, old, new)
    )


def compare_content(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[SectionDiff]:
    """The difference from `old` to `new`, every section in the order of the form."""
    result = []
    for spec in SECTIONS:
        if spec.is_list:
            old_rows, new_rows = old.get(spec.key) or [], new.get(spec.key) or []
            rows = _list_diff(spec, list(old_rows), list(new_rows))
        else:
            rows = (_row_diff(spec, old.get(spec.key) or {}, new.get(spec.key) or {}, None, None),)
        result.append(SectionDiff(spec.key, rows, spec))
    return result
