"""Read-only display of a version's content and findings: strings ready for the templates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bvct.declarations.linter import Severity

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise
from bvct.declarations.schema import SECTIONS, SectionSpec, display_value


@dataclass(frozen=True)
class ShownSection:
    spec: SectionSpec
    pairs: tuple[tuple[str | StrPromise, str], ...] = ()  # personal details: (label, value)
    headers: tuple[str | StrPromise, ...] = ()  # list sections: column labels …
    rows: tuple[tuple[str, ...], ...] = ()  # … and one tuple of values per row

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def labelled_rows(self) -> list[list[tuple[str | StrPromise, str]]]:
        """Each row as (label, value) pairs: the phone layout, one card per row."""
        return [list(zip(self.headers, row, strict=True)) for row in self.rows]


def present(content: Mapping[str, Any]) -> list[ShownSection]:
    shown = []
    for spec in SECTIONS:
        value = content.get(spec.key)
        if not spec.is_list:
            row = value if isinstance(value, Mapping) else {}
            pairs = tuple((f.label, display_value(f, row.get(f.name))) for f in spec.fields)
            shown.append(ShownSection(spec, pairs=pairs))
            continue
        rows = tuple(
            tuple(display_value(f, row.get(f.name)) for f in spec.fields)
            for row in (value if isinstance(value, list) else [])
        )
        shown.append(ShownSection(spec, headers=tuple(f.label for f in spec.fields), rows=rows))
    return shown


@dataclass(frozen=True)
class ShownFinding:
    severity: str
    section: str
    message: str

    @property
    def is_blocking(self) -> bool:
        return self.severity == Severity.ERROR


def present_findings(findings: list[Any]) -> list[ShownFinding]:
    """Live `Finding`s or the dicts recorded at submission, in one shape."""
    shown = []
    for finding in findings:
        data = finding if isinstance(finding, Mapping) else finding.as_dict()
        shown.append(
            ShownFinding(str(data["severity"]), str(data["section"]), str(data["message"]))
        )
    return shown
