"""YAML schema: Vietnamese errors naming the line and the field; export round trip; examples."""

from __future__ import annotations

import datetime

import pytest

from bvct.criteria.demo import example_files
from bvct.criteria.yaml_io import RuleSetYamlError, parse_ruleset_yaml

GOOD = """\
ruleset: thu
name: Thử
purposes: [admission]
effective_from: 2025-01-01
combining: most_severe
rules:
  - code: R1
    label: Lý lịch
    kind: declaration_missing
    outcome: needs_verification
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(RuleSetYamlError) as raised:
        parse_ruleset_yaml(text)
    return [str(p) for p in raised.value.problems]


def test_valid_file_is_parsed() -> None:
    spec = parse_ruleset_yaml(GOOD)
    assert (spec.code, spec.purposes, spec.effective_from, spec.effective_to) == (
        "thu",
        ("admission",),
        datetime.date(2025, 1, 1),
        None,
    )
    assert [(r.code, r.kind, r.params, r.priority) for r in spec.rules] == [
        ("R1", "declaration_missing", {}, 10)
    ]


def test_unknown_kind_names_line_and_field() -> None:
    text = GOOD.replace("kind: declaration_missing", "kind: khong-co")
    assert _problems(text) == [
        "Dòng 9, trường “rules[1].kind”: “khong-co” không thuộc danh sách: age_out_of_range, "
        "declaration_missing, issue_recorded, membership_too_short, verification_open."
    ]


def test_bad_param_names_line_and_nested_field() -> None:
    text = GOOD.replace(
        "kind: declaration_missing",
        "kind: issue_recorded\n    params:\n      families: [political_history]\n"
        "      statuses: [concluded]\n      whose: [cousin]",
    )
    assert _problems(text) == [
        "Dòng 13, trường “rules[1].params.whose”: “cousin” không thuộc danh sách: self, father, "
        "mother, parent_in_law, carer, spouse, child, sibling, other."
    ]


def test_every_problem_is_listed_with_its_line() -> None:
    text = (
        GOOD.replace("purposes: [admission]", "purposes: [admission, tuyen-dung]")
        .replace("effective_from: 2025-01-01", "effective_from: 01/01/2025")
        .replace("    outcome: needs_verification", "    outcome: meets\n    colour: red")
    )
    assert _problems(text) == [
        "Dòng 3, trường “purposes[2]”: “tuyen-dung” không thuộc danh sách: admission, "
        "committee_seat, key_post, confidential_post, planning_training, election_candidacy.",
        "Dòng 4, trường “effective_from”: cần một ngày viết dạng YYYY-MM-DD.",
        "Dòng 11, trường “rules[1].colour”: trường không có trong lược đồ.",
        "Dòng 10, trường “rules[1].outcome”: “meets” không thuộc danh sách: needs_approval, "
        "needs_verification, does_not_meet.",
    ]


def test_missing_field_reported_on_its_mapping() -> None:
    text = GOOD.replace("    label: Lý lịch\n", "")
    assert _problems(text) == ["Dòng 7, trường “rules[1].label”: thiếu trường bắt buộc này."]


def test_duplicate_rule_code() -> None:
    text = (
        GOOD + "  - {code: R1, label: Lại, kind: verification_open, outcome: needs_verification}\n"
    )
    assert _problems(text) == [
        "Dòng 11, trường “rules[2].code”: mã này đã dùng cho một quy tắc khác."
    ]


def test_syntax_error_names_the_line() -> None:
    problems = _problems(GOOD + "  - code: [R2\n")
    assert len(problems) == 1
    assert problems[0].startswith("Dòng 12, trường “(tệp)”: tệp không đúng cú pháp YAML")


def test_range_reversed() -> None:
    text = GOOD.replace("combining", "effective_to: 2024-12-31\ncombining")
    assert _problems(text) == ["Dòng 5, trường “effective_to”: không được trước effective_from."]


def test_shipped_examples_are_valid_and_marked_as_examples() -> None:
    files = example_files()
    assert [f.name for f in files] == [
        "vi-du-bo-nhiem-quy-hoach.yaml",
        "vi-du-ket-nap-dang.yaml",
        "vi-du-vi-tri-co-mat.yaml",
    ]
    for path in files:
        spec = parse_ruleset_yaml(path.read_text("utf-8"))
        assert spec.is_example is True
        assert spec.name.startswith("VÍ DỤ — ")
        assert "thay bằng tiêu chuẩn chính thức" in spec.description
        assert {c.confidence for c in spec.citations} == {"unconfirmed"}
        assert {c.article for c in spec.citations} == {""}  # no invented article text
