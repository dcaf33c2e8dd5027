from __future__ import annotations

import dataclasses
import unicodedata

from bvct.declarations.schema import (
    SECTIONS,
    SchemaError,
    display_value,
    empty_content,
    validate_content,
    validate_section,
)
from bvct.declarations.tests.factories import complete_content

FAMILY_ROW = {
    "relationship": "father",
    "full_name": "Nguyễn Văn Bình",
    "birth_year": "1965",
    "address": "Xã Đông Anh",
    "occupation": "",
    "is_deceased": "",
    "is_abroad": False,
}


def test_personal_details_are_normalised() -> None:
    # given display forms, NFD text and stray spaces
    data = {
        **complete_content()["personal"],
        "full_name": unicodedata.normalize("NFD", "  Nguyễn   Văn An "),
        "birth_date": "12/03/1995",
        "youth_union_date": "3/2010",
    }
    # when
    cleaned, errors = validate_section("personal", data)
    # then
    assert errors == []
    assert cleaned["full_name"] == "Nguyễn Văn An"
    assert cleaned["birth_date"] == "1995-03-12"
    assert cleaned["youth_union_date"] == "2010-03"


def test_rows_get_every_field_with_typed_empty_values() -> None:
    # when
    rows, errors = validate_section("family", [FAMILY_ROW])
    # then
    assert errors == []
    assert rows == [
        {
            "relationship": "father",
            "full_name": "Nguyễn Văn Bình",
            "birth_year": 1965,
            "address": "Xã Đông Anh",
            "occupation": "",
            "is_deceased": False,
            "is_abroad": False,
        }
    ]


def test_errors_name_section_row_and_field_in_vietnamese() -> None:
    # given a second row with a bad year, a missing name and a month in the wrong form
    rows = [FAMILY_ROW, {**FAMILY_ROW, "birth_year": "65", "full_name": " "}]
    timeline = [{"from_month": "2020-13", "to_month": "", "activity": "Học", "place": "Hà Nội"}]
    # when
    _, family_errors = validate_section("family", rows)
    _, timeline_errors = validate_section("timeline", timeline)
    # then
    assert [e.message for e in family_errors] == [
        "Hoàn cảnh gia đình, dòng 2, “Họ và tên”: bắt buộc phải điền.",
        "Hoàn cảnh gia đình, dòng 2, “Năm sinh”: ghi năm đủ bốn chữ số.",
    ]
    assert (family_errors[0].section, family_errors[0].row, family_errors[0].field) == (
        "family",
        2,
        "full_name",
    )
    assert [e.message for e in timeline_errors] == [
        "Quá trình công tác và học tập, dòng 1, “Từ (tháng/năm)”: "
        "ghi tháng và năm theo dạng mm/yyyy."
    ]


def test_single_section_errors_have_no_row() -> None:
    # when
    _, errors = validate_section(
        "personal", {**complete_content()["personal"], "sex": "x", "birth_date": "31/02/1995"}
    )
    # then
    assert errors == [
        SchemaError(
            "personal",
            None,
            "sex",
            "Sơ lược lý lịch, “Giới tính”: chọn một trong các mục có sẵn.",
            "chọn một trong các mục có sẵn.",
        ),
        SchemaError(
            "personal",
            None,
            "birth_date",
            "Sơ lược lý lịch, “Ngày sinh”: ghi ngày theo dạng dd/mm/yyyy.",
            "ghi ngày theo dạng dd/mm/yyyy.",
        ),
    ]


def test_unknown_fields_are_refused_so_nothing_else_can_be_stored() -> None:
    # given fields the form deliberately does not have
    data = {**complete_content()["personal"], "religion": "x", "ethnicity": "y"}
    # when
    _, errors = validate_section("personal", data)
    # then
    assert [e.message for e in errors] == [
        "Sơ lược lý lịch: “ethnicity” không phải là mục của biểu mẫu này.",
        "Sơ lược lý lịch: “religion” không phải là mục của biểu mẫu này.",
    ]


def test_no_section_has_fields_for_religion_ethnicity_opinions_or_online_activity() -> None:
    names = {f.name for s in SECTIONS for f in s.fields}
    forbidden = ("relig", "ethnic", "opinion", "online", "social", "belief", "facebook")
    assert [n for n in names if any(word in n for word in forbidden)] == []


def test_wrong_shapes_are_refused() -> None:
    assert validate_section("family", {"a": 1})[1][0].message == (
        "Hoàn cảnh gia đình: phải là danh sách các dòng."
    )
    assert validate_section("family", ["x"])[1][0].message == (
        "Hoàn cảnh gia đình, dòng 1: dữ liệu của dòng không hợp lệ."
    )
    assert validate_section("family", [FAMILY_ROW] * 101)[1][0].message == (
        "Hoàn cảnh gia đình: tối đa 100 dòng."
    )
    assert validate_section("hobbies", [])[1][0].message == (
        "Không có phần “hobbies” trong biểu mẫu."
    )


def test_value_kinds_are_checked() -> None:
    row = {**FAMILY_ROW, "is_deceased": "maybe", "birth_year": 1700, "address": "x" * 256}
    _, errors = validate_section("family", [row])
    assert [e.message for e in errors] == [
        "Hoàn cảnh gia đình, dòng 1, “Năm sinh”: năm phải từ 1850 đến 2200.",
        "Hoàn cảnh gia đình, dòng 1, “Địa chỉ”: quá dài (tối đa 255 ký tự).",
        "Hoàn cảnh gia đình, dòng 1, “Đã mất”: chọn có hoặc không.",
    ]
    _, errors = validate_section("family", [{**FAMILY_ROW, "full_name": 5}])
    assert [e.message for e in errors] == ["Hoàn cảnh gia đình, dòng 1, “Họ và tên”: phải là chữ."]


def test_whole_content_validates_every_section() -> None:
    # given
    content = complete_content()
    # when
    cleaned, errors = validate_content(content)
    # then
    assert errors == []
    assert cleaned == content
    assert validate_content({"x": []})[1][0].message == "Không có phần “x” trong biểu mẫu."
    assert validate_content([])[1][0].message == "Nội dung lý lịch không hợp lệ."


def test_empty_content_has_every_section() -> None:
    content = empty_content()
    assert list(content) == [s.key for s in SECTIONS]
    assert content["family"] == []
    assert content["personal"]["birth_date"] is None


def test_values_display_as_the_form_writes_them() -> None:
    personal = {s.key: s for s in SECTIONS}["personal"]
    fields = {f.name: f for f in personal.fields}
    assert display_value(fields["birth_date"], "1995-03-12") == "12/03/1995"
    assert display_value(fields["youth_union_date"], "2010-03") == "03/2010"
    assert display_value(fields["marital_status"], "married") == "Đã kết hôn"
    assert display_value(fields["youth_union_date"], None) == ""
    family = {s.key: s for s in SECTIONS}["family"]
    assert display_value(family.fields[5], True) == "Có"


def test_error_about_another_row_number() -> None:
    _, errors = validate_section("family", [{**FAMILY_ROW, "full_name": ""}])
    moved = errors[0].at_row(3)
    assert moved.message == "Hoàn cảnh gia đình, dòng 3, “Họ và tên”: bắt buộc phải điền."
    assert dataclasses.replace(moved, message="", problem="") == SchemaError(
        "family", 3, "full_name", ""
    )
