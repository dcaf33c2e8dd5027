from __future__ import annotations

from typing import Any

from bvct.declarations.compare import FieldDiff, RowDiff, RowStatus, compare_content
from bvct.declarations.schema import SECTION_BY_KEY
from bvct.declarations.tests.factories import complete_content

S, C, A, R = RowStatus.SAME, RowStatus.CHANGED, RowStatus.ADDED, RowStatus.REMOVED
FAMILY = SECTION_BY_KEY["family"]


def _fields(old: dict[str, Any] | None, new: dict[str, Any] | None) -> tuple[FieldDiff, ...]:
    return tuple(
        FieldDiff(
            f.name,
            None if old is None else old[f.name],
            None if new is None else new[f.name],
            f,
        )
        for f in FAMILY.fields
    )


def test_identical_versions_have_no_change() -> None:
    diff = compare_content(complete_content(), complete_content())
    assert [(s.section, s.is_changed) for s in diff] == [
        ("personal", False),
        ("family", False),
        ("timeline", False),
        ("training", False),
        ("awards", False),
        ("relatives_abroad", False),
        ("foreign_contacts", False),
    ]
    assert [r.status for r in diff[1].rows] == [S, S, S]


def test_rows_are_aligned_and_fields_compared() -> None:
    # given: a child inserted before the spouse, the mother's address changed, the father removed
    old = complete_content()
    new = complete_content()
    father, mother, spouse = old["family"]
    child = {
        "relationship": "child",
        "full_name": "Nguyễn Minh Khang",
        "birth_year": 2022,
        "address": "Phường Hoàn Kiếm, Hà Nội",
        "occupation": "",
        "is_deceased": False,
        "is_abroad": False,
    }
    moved_mother = {**mother, "address": "Phường Ba Đình, Hà Nội"}
    new["family"] = [moved_mother, child, spouse]
    # when
    family = compare_content(old, new)[1]
    # then
    assert family.is_changed
    assert family.rows == (
        RowDiff(R, 1, None, _fields(father, None)),
        RowDiff(C, 2, 1, _fields(mother, moved_mother)),
        RowDiff(A, None, 2, _fields(None, child)),
        RowDiff(S, 3, 3, _fields(spouse, spouse)),
    )
    changed = family.rows[1].fields
    assert [(f.name, f.old, f.new) for f in changed if f.is_changed] == [
        ("address", "Xã Đông Anh, Hà Nội", "Phường Ba Đình, Hà Nội")
    ]


def test_a_row_edited_in_place_stays_one_changed_row() -> None:
    # given the father's name corrected (so his identity changed) in the same place
    old = complete_content()
    new = complete_content()
    new["family"][0]["full_name"] = "Nguyễn Văn Bính"
    family = compare_content(old, new)[1]
    assert [(r.status, r.old_row, r.new_row) for r in family.rows] == [
        (C, 1, 1),
        (S, 2, 2),
        (S, 3, 3),
    ]


def test_insertion_in_the_middle_is_one_added_row() -> None:
    old = complete_content()
    new = complete_content()
    sibling = {**old["family"][0], "relationship": "sibling", "full_name": "Nguyễn Văn Em"}
    new["family"].insert(1, sibling)
    family = compare_content(old, new)[1]
    assert [(r.status, r.old_row, r.new_row) for r in family.rows] == [
        (S, 1, 1),
        (A, None, 2),
        (S, 2, 3),
        (S, 3, 4),
    ]
    added = family.rows[1]
    assert [(f.name, f.old, f.new) for f in added.fields][:3] == [
        ("relationship", None, "sibling"),
        ("full_name", None, "Nguyễn Văn Em"),
        ("birth_year", None, 1965),
    ]


def test_removed_rows_and_single_section_changes() -> None:
    old = complete_content()
    new = complete_content()
    new["timeline"] = new["timeline"][1:]
    new["personal"]["occupation"] = "Trưởng phòng"
    diff = compare_content(old, new)
    personal, timeline = diff[0], diff[2]
    assert [(r.status, r.old_row, r.new_row) for r in timeline.rows] == [(R, 1, None), (S, 2, 1)]
    assert len(personal.rows) == 1
    changed = [(f.name, f.old, f.new) for f in personal.rows[0].fields if f.is_changed]
    assert changed == [("occupation", "Kỹ sư", "Trưởng phòng")]
    assert (personal.rows[0].status, personal.rows[0].old_row) == (C, None)


def test_display_texts_for_the_side_by_side_table() -> None:
    old = complete_content()
    new = complete_content()
    new["timeline"][0]["from_month"] = "2013-08"
    new["family"][0]["is_deceased"] = True
    diff = compare_content(old, new)
    month = diff[2].rows[0].fields[0]
    assert (month.label, month.old_text, month.new_text) == ("Từ (tháng/năm)", "09/2013", "08/2013")
    deceased = diff[1].rows[0].fields[5]
    assert (deceased.label, deceased.old_text, deceased.new_text) == ("Đã mất", "Không", "Có")
    assert diff[1].label == "Hoàn cảnh gia đình"


def test_missing_sections_compare_as_empty() -> None:
    diff = compare_content({}, {"awards": []})
    assert [s.is_changed for s in diff] == [False] * 7
