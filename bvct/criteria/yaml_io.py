"""Rule sets as YAML: schema validation with errors that name the line and the field, and export.

Field paths in errors count list items from 1 (``rules[2].kind`` is the second rule's kind). A
missing field is reported on the line of the mapping that should hold it.

File layout (one version of one rule set per file)::

    ruleset: vi-du-ket-nap           # code of the rule set (letters, digits, "-")
    name: Ví dụ …
    description: …                   # optional
    example: true                    # optional: shipped example, to be replaced
    purposes: [admission]
    effective_from: 2022-02-08       # inclusive
    effective_to: null               # inclusive; null = open-ended
    combining: most_severe           # or first_match
    citations:
      - {document_type: Quy định, number: 58-QĐ/TW, issuer: Bộ Chính trị,
         issued_on: 2022-02-08, article: "", confidence: unconfirmed, note: ""}
    rules:
      - {code: R1, label: …, kind: issue_recorded, params: {…}, outcome: needs_verification,
         priority: 10}
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

import yaml
from django.utils.translation import gettext as _

from bvct.core.errors import DomainError
from bvct.criteria.kinds import KINDS, ParamError, params_to_data, parse_params
from bvct.criteria.models import Citation, Combining, Outcome, Purpose, RuleSetVersion

MAX_YAML_BYTES = 256 * 1024
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_RULE_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
Path = tuple[str | int, ...]

TOP_FIELDS = (
    "ruleset", "name", "description", "example", "purposes", "effective_from", "effective_to",
    "combining", "citations", "rules",
)  # fmt: skip
CITATION_FIELDS = (
    "document_type", "number", "issuer", "issued_on", "article", "confidence", "note",
)  # fmt: skip
RULE_FIELDS = ("code", "label", "kind", "params", "outcome", "priority")


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return _("Line %(line)s, field “%(field)s”: %(message)s") % {
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }


class RuleSetYamlError(DomainError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems), field="yaml")
        self.problems = problems


@dataclass(frozen=True)
class CitationSpec:
    document_type: str
    number: str
    issuer: str
    issued_on: datetime.date | None
    article: str
    confidence: str
    note: str


@dataclass(frozen=True)
class RuleSpec:
    code: str
    label: str
    kind: str
    params: dict[str, Any]
    outcome: str
    priority: int


@dataclass(frozen=True)
class RuleSetSpec:
    code: str
    name: str
    description: str
    is_example: bool
    purposes: tuple[str, ...]
    effective_from: datetime.date
    effective_to: datetime.date | None
    combining: str
    citations: tuple[CitationSpec, ...]
    rules: tuple[RuleSpec, ...]


def field_name(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(tệp)"


def _node_line(root: yaml.Node | None, path: Path) -> int:
    node = root
    line = (root.start_mark.line + 1) if root is not None else 1
    for part in path:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == part:
                    child = value
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if part < len(node.value) else None
        if child is None:
            return line
        node, line = child, child.start_mark.line + 1
    return line


class _Checker:
    def __init__(self, root: yaml.Node | None) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def fail(self, path: Path, message: str) -> None:
        self.problems.append(Problem(_node_line(self.root, path), field_name(path), message))

    def mapping(self, data: Any, path: Path, allowed: tuple[str, ...]) -> dict[str, Any] | None:
        if not isinstance(data, dict):
            self.fail(path, _("expected a mapping of fields (name: value)."))
            return None
        for key in data:
            if key not in allowed:
                self.fail((*path, str(key)), _("unknown field."))
        return data

    def text(self, data: dict[str, Any], path: Path, name: str, *, required: bool = True) -> str:
        value = data.get(name)
        if value is None or value == "":
            if required:
                self.fail((*path, name), _("required field missing."))
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.fail((*path, name), _("expected text."))
            return ""
        return str(value).strip()

    def choice(self, data: dict[str, Any], path: Path, name: str, choices: list[str]) -> str:
        value = data.get(name)
        if value not in choices:
            message = (
                _("required field missing.")
                if value is None
                else _("“%(value)s” is not one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(choices)}
            )
            self.fail((*path, name), message)
            return ""
        return str(value)

    def date(
        self, data: dict[str, Any], path: Path, name: str, *, required: bool
    ) -> datetime.date | None:
        value = data.get(name)
        if value is None:
            if required:
                self.fail((*path, name), _("required field missing."))
            return None
        if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
            self.fail((*path, name), _("expected a date written YYYY-MM-DD."))
            return None
        day: datetime.date = value
        return day


def _citation(check: _Checker, item: Any, path: Path) -> CitationSpec | None:
    data = check.mapping(item, path, CITATION_FIELDS)
    if data is None:
        return None
    return CitationSpec(
        document_type=check.text(data, path, "document_type"),
        number=check.text(data, path, "number"),
        issuer=check.text(data, path, "issuer"),
        issued_on=check.date(data, path, "issued_on", required=False),
        article=check.text(data, path, "article", required=False),
        confidence=check.choice(data, path, "confidence", Citation.Confidence.values),
        note=check.text(data, path, "note", required=False),
    )


def _rule(check: _Checker, item: Any, path: Path, index: int) -> RuleSpec | None:
    data = check.mapping(item, path, RULE_FIELDS)
    if data is None:
        return None
    code = check.text(data, path, "code")
    if code and not _RULE_CODE.match(code):
        check.fail((*path, "code"), _("use letters, digits, “_”, “.” or “-” (at most 40)."))
    kind = check.choice(data, path, "kind", sorted(KINDS))
    params = data.get("params") or {}
    if kind:
        try:
            params = _params_data(kind, params)
        except ParamError as exc:
            check.fail(
                (*path, "params", exc.field) if exc.field else (*path, "params"), exc.message
            )
    outcomes = [o for o in Outcome.values if o != Outcome.MEETS]
    priority = data.get("priority", (index + 1) * 10)
    if isinstance(priority, bool) or not isinstance(priority, int) or priority < 0:
        check.fail((*path, "priority"), _("must be a whole number, 0 or more."))
        priority = 0
    return RuleSpec(
        code=code,
        label=check.text(data, path, "label"),
        kind=kind,
        params=params if isinstance(params, dict) else {},
        outcome=check.choice(data, path, "outcome", outcomes),
        priority=priority,
    )


def _params_data(kind: str, params: Any) -> dict[str, Any]:
    return params_to_data(parse_params(KINDS[kind].params, params))


def _list(check: _Checker, data: dict[str, Any], name: str, *, required: bool) -> list[Any]:
    value = data.get(name)
    if value is None and not required:
        return []
    if not isinstance(value, list) or (required and not value):
        check.fail((name,), _("expected a non-empty list."))
        return []
    return value


def _top(check: _Checker, data: dict[str, Any]) -> dict[str, Any]:
    code = check.text(data, (), "ruleset")
    if code and not _CODE.match(code):
        check.fail(("ruleset",), _("use lower-case letters, digits and “-” (at most 80)."))
    purposes = _list(check, data, "purposes", required=True)
    for index, purpose in enumerate(purposes):
        if purpose not in Purpose.values:
            check.fail(
                ("purposes", index),
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": purpose, "choices": ", ".join(Purpose.values)},
            )
    start = check.date(data, (), "effective_from", required=True)
    end = check.date(data, (), "effective_to", required=False)
    if start and end and end < start:
        check.fail(("effective_to",), _("must not be before effective_from."))
    example = data.get("example", False)
    if not isinstance(example, bool):
        check.fail(("example",), _("expected true or false."))
    return {
        "code": code,
        "name": check.text(data, (), "name"),
        "description": check.text(data, (), "description", required=False),
        "is_example": example is True,
        "purposes": tuple(dict.fromkeys(p for p in purposes if p in Purpose.values)),
        "effective_from": start,
        "effective_to": end,
        "combining": check.choice(data, (), "combining", Combining.values),
    }


def parse_ruleset_yaml(text: str) -> RuleSetSpec:
    """Validate a YAML rule set; RuleSetYamlError lists every problem with its line and field."""
    if len(text.encode()) > MAX_YAML_BYTES:
        raise RuleSetYamlError([Problem(1, "(tệp)", _("the file is larger than 256 KB."))])
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        message = _("the file is not valid YAML (%(problem)s).") % {"problem": problem}
        raise RuleSetYamlError([Problem(line, "(tệp)", message)]) from exc
    check = _Checker(root)
    top = check.mapping(data, (), TOP_FIELDS)
    if top is None:
        raise RuleSetYamlError(check.problems)
    head = _top(check, top)
    citations = [
        _citation(check, item, ("citations", i))
        for i, item in enumerate(_list(check, top, "citations", required=False))
    ]
    rules = [
        _rule(check, item, ("rules", i), i)
        for i, item in enumerate(_list(check, top, "rules", required=True))
    ]
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        if rule is not None and rule.code and rule.code in seen:
            check.fail(("rules", index, "code"), _("another rule already has this code."))
        if rule is not None:
            seen.add(rule.code)
    if check.problems:
        raise RuleSetYamlError(check.problems)
    return RuleSetSpec(
        **head,
        citations=tuple(c for c in citations if c is not None),
        rules=tuple(r for r in rules if r is not None),
    )


def version_to_data(version: RuleSetVersion) -> dict[str, Any]:
    return {
        "ruleset": version.ruleset.code,
        "name": version.ruleset.name,
        "description": version.description,
        "example": version.is_example,
        "purposes": list(version.purposes),
        "effective_from": version.effective_from,
        "effective_to": version.effective_to,
        "combining": version.combining,
        "citations": [
            {
                "document_type": c.document_type,
                "number": c.number,
                "issuer": c.issuer,
                "issued_on": c.issued_on,
                "article": c.article,
                "confidence": c.confidence,
                "note": c.note,
            }
            for c in version.citations.all()
        ],
        "rules": [
            {
                "code": r.code,
                "label": r.label,
                "kind": r.kind,
                "params": r.params,
                "outcome": r.outcome,
                "priority": r.priority,
            }
            for r in version.rules.all()
        ],
    }


def version_to_yaml(version: RuleSetVersion) -> str:
    header = f"# {version.ruleset.code} v{version.number} ({version.get_status_display()})\n"
    body = yaml.safe_dump(version_to_data(version), allow_unicode=True, sort_keys=False, width=100)
    return header + body
