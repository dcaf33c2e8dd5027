"""Each rule of the form linter on its own, then `lint` as a whole."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bvct.declarations.linter import (
    Finding,
    LinterConfig,
    Severity,
    blocking,
    check_date_order,
    check_future_dates,
    check_parents,
    check_personal_details,
    check_relatives_abroad,
    check_relatives_complete,
    check_spouse,
    check_timeline_gaps,
    check_timeline_order,
    check_timeline_overlaps,
    check_timeline_reaches_present,
    lint,
)
from bvct.declarations.tests.factories import complete_content

TODAY = dt.date(2026, 6, 15)
CONFIG = LinterConfig()
E, W = Severity.ERROR, Severity.WARNING


def _period(start: str, end: str | None, activity: str = "Công tác") -> dict[str, Any]:
    return {"from_month": start, "to_month": end, "activity": activity, "place": "Hà Nội"}


def _with(section: str, value: Any) -> dict[str, Any]:
    content = complete_content()
    content[section] = value
    return content


def test_complete_declaration_has_no_findings() -> None:
    assert lint(complete_content(), today=TODAY) == []


# --- timeline gaps ----------------------------------------------------------------------------


def test_gap_longer_than_the_limit_is_a_warning() -> None:
    # given 07/2017 to 11/2017 unaccounted for: five months
    content = _with("timeline", [_period("2013-09", "2017-06"), _period("2017-12", None)])
    # when
    findings = check_timeline_gaps(content, TODAY, CONFIG)
    # then
    assert findings == [
        Finding(
            "timeline_gap",
            W,
            "timeline",
            2,
            "Quá trình công tác và học tập, dòng 2: 5 tháng không khai (từ 07/2017 đến "
            "11/2017), quá 3 tháng. Hãy khai rõ thời gian đó làm gì.",
        )
    ]


def test_gap_up_to_the_limit_is_accepted_and_the_limit_is_configurable() -> None:
    # given three months unaccounted for (07–09/2017)
    content = _with("timeline", [_period("2013-09", "2017-06"), _period("2017-10", None)])
    # then
    assert check_timeline_gaps(content, TODAY, CONFIG) == []
    assert [f.row for f in check_timeline_gaps(content, TODAY, LinterConfig(2))] == [2]


def test_gap_is_measured_from_the_latest_end_so_far() -> None:
    # given a long period containing a short one, then a period right after the long one
    content = _with(
        "timeline",
        [_period("2010-01", "2015-12"), _period("2012-01", "2012-06"), _period("2016-01", None)],
    )
    assert check_timeline_gaps(content, TODAY, CONFIG) == []


# --- overlaps and order -----------------------------------------------------------------------


def test_overlap_is_a_warning_but_sharing_the_changeover_month_is_not() -> None:
    content = _with(
        "timeline",
        [_period("2013-09", "2017-06"), _period("2017-06", "2019-12"), _period("2019-03", None)],
    )
    assert check_timeline_overlaps(content, TODAY, CONFIG) == [
        Finding(
            "timeline_overlap",
            W,
            "timeline",
            3,
            "Quá trình công tác và học tập, dòng 3: trùng thời gian với dòng 2 (từ 03/2019 "
            "đến 12/2019). Nếu làm đồng thời, hãy ghi rõ trong phần mô tả.",
        )
    ]


def test_rows_out_of_time_order_are_a_warning() -> None:
    content = _with("timeline", [_period("2017-08", None), _period("2013-09", "2017-06")])
    assert check_timeline_order(content, TODAY, CONFIG) == [
        Finding(
            "timeline_order",
            W,
            "timeline",
            2,
            "Quá trình công tác và học tập, dòng 2: bắt đầu sớm hơn dòng phía trên. "
            "Hãy khai theo thứ tự thời gian.",
        )
    ]


def test_end_before_start_is_an_error_in_every_dated_section() -> None:
    content = complete_content()
    content["timeline"][0]["to_month"] = "2012-06"
    content["training"] = [
        {"kind": "foreign_language", "name": "Tiếng Anh", "institution": "", "mode": "",
         "qualification": "B1", "from_month": "2019-05", "to_month": "2019-01"},
    ]  # fmt: skip
    assert check_date_order(content, TODAY, CONFIG) == [
        Finding(
            "date_order",
            E,
            "timeline",
            1,
            "Quá trình công tác và học tập, dòng 1: “Đến” (06/2012) trước “Từ” (09/2013).",
        ),
        Finding(
            "date_order",
            E,
            "training",
            1,
            "Đào tạo, bồi dưỡng, dòng 1: “Đến” (01/2019) trước “Từ” (05/2019).",
        ),
    ]


# --- future dates -----------------------------------------------------------------------------


def test_dates_in_the_future_are_errors() -> None:
    content = complete_content()
    content["personal"]["birth_date"] = "2026-06-16"
    content["family"][0]["birth_year"] = 2027
    content["awards"] = [
        {"kind": "award", "month": "2026-07", "form": "Giấy khen", "reason": "", "decided_by": ""}
    ]
    assert [f.message for f in check_future_dates(content, TODAY, CONFIG)] == [
        "Sơ lược lý lịch: “Ngày sinh” (16/06/2026) là thời điểm trong tương lai.",
        "Hoàn cảnh gia đình, dòng 1: “Năm sinh” (2027) là thời điểm trong tương lai.",
        "Khen thưởng, kỷ luật, dòng 1: “Tháng/năm” (07/2026) là thời điểm trong tương lai.",
    ]
    assert {f.severity for f in check_future_dates(content, TODAY, CONFIG)} == {E}


def test_today_and_this_month_are_not_the_future() -> None:
    content = complete_content()
    content["personal"]["birth_date"] = "2026-06-15"
    content["timeline"][1]["to_month"] = "2026-06"
    assert check_future_dates(content, TODAY, CONFIG) == []


# --- timeline reaching the present ------------------------------------------------------------


def test_timeline_must_reach_the_present() -> None:
    content = _with("timeline", [_period("2013-09", "2017-06"), _period("2017-08", "2025-12")])
    assert check_timeline_reaches_present(content, TODAY, CONFIG) == [
        Finding(
            "timeline_present",
            E,
            "timeline",
            2,
            "Quá trình công tác và học tập, dòng 2: giai đoạn cuối kết thúc tháng 12/2025. "
            "Quá trình phải khai đến nay: để trống “Đến” ở giai đoạn hiện tại.",
        )
    ]
    ending_this_month = _with("timeline", [_period("2017-08", "2026-06")])
    assert check_timeline_reaches_present(ending_this_month, TODAY, CONFIG) == []


def test_empty_timeline_is_an_error() -> None:
    assert [
        f.message for f in check_timeline_reaches_present(_with("timeline", []), TODAY, CONFIG)
    ] == [
        "Quá trình công tác và học tập: chưa khai giai đoạn nào. Quá trình phải khai từ khi đi "
        "học đến nay."
    ]


# --- personal details and family --------------------------------------------------------------


def test_required_personal_details_must_be_filled() -> None:
    content = complete_content()
    content["personal"]["hometown"] = ""
    content["personal"]["marital_status"] = ""
    assert [f.message for f in check_personal_details(content, TODAY, CONFIG)] == [
        "Sơ lược lý lịch: chưa khai “Quê quán”.",
        "Sơ lược lý lịch: chưa khai “Tình trạng hôn nhân”.",
    ]


def test_relatives_need_a_birth_year_and_the_living_an_address() -> None:
    content = complete_content()
    content["family"][0] |= {"birth_year": None, "address": "", "is_deceased": True}
    content["family"][1] |= {"address": ""}
    assert check_relatives_complete(content, TODAY, CONFIG) == [
        Finding(
            "relative_incomplete",
            E,
            "family",
            1,
            "Hoàn cảnh gia đình, dòng 1: thiếu năm sinh của Nguyễn Văn Bình.",
        ),
        Finding(
            "relative_incomplete",
            E,
            "family",
            2,
            "Hoàn cảnh gia đình, dòng 2: thiếu địa chỉ của Trần Thị Cúc.",
        ),
    ]


def test_married_without_a_spouse_is_an_error() -> None:
    content = complete_content()
    content["family"] = content["family"][:2]
    assert check_spouse(content, TODAY, CONFIG) == [
        Finding(
            "spouse_missing",
            E,
            "family",
            None,
            "Hoàn cảnh gia đình: sơ lược lý lịch ghi đã kết hôn nhưng chưa khai vợ/chồng.",
        )
    ]
    content["personal"]["marital_status"] = "single"
    assert check_spouse(content, TODAY, CONFIG) == []


def test_spouse_without_occupation_is_a_warning() -> None:
    content = complete_content()
    content["family"][2]["occupation"] = ""
    assert check_spouse(content, TODAY, CONFIG) == [
        Finding(
            "spouse_incomplete",
            W,
            "family",
            3,
            "Hoàn cảnh gia đình, dòng 3: thiếu nghề nghiệp của vợ/chồng.",
        )
    ]


def test_both_parents_must_be_declared() -> None:
    content = complete_content()
    content["family"] = content["family"][2:]
    assert [(f.rule, f.severity, f.message) for f in check_parents(content, TODAY, CONFIG)] == [
        ("parent_missing", E, "Hoàn cảnh gia đình: chưa khai bố (phải khai cả khi đã mất)."),
        ("parent_missing", E, "Hoàn cảnh gia đình: chưa khai mẹ (phải khai cả khi đã mất)."),
    ]


def test_relatives_abroad_need_a_country_and_must_be_listed() -> None:
    content = complete_content()
    content["family"][1]["is_abroad"] = True
    content["relatives_abroad"] = [
        {"relationship": "sibling", "full_name": "Nguyễn Văn Đông", "country": "",
         "address": "", "occupation": "", "since_year": 2015},
    ]  # fmt: skip
    assert check_relatives_abroad(content, TODAY, CONFIG) == [
        Finding(
            "abroad_country",
            E,
            "relatives_abroad",
            1,
            "Thân nhân ở nước ngoài, dòng 1: thiếu tên nước nơi Nguyễn Văn Đông đang sống.",
        ),
        Finding(
            "abroad_country",
            E,
            "family",
            2,
            "Hoàn cảnh gia đình, dòng 2: Trần Thị Cúc ở nước ngoài nhưng chưa khai trong phần "
            "Thân nhân ở nước ngoài (kèm tên nước).",
        ),
    ]


def test_relative_abroad_listed_under_another_spelling_is_matched() -> None:
    content = complete_content()
    content["family"][1]["is_abroad"] = True
    content["relatives_abroad"] = [
        {"relationship": "mother", "full_name": "tran thi cuc", "country": "Nhật Bản",
         "address": "", "occupation": "", "since_year": 2015},
    ]  # fmt: skip
    assert check_relatives_abroad(content, TODAY, CONFIG) == []


# --- lint as a whole --------------------------------------------------------------------------


def test_lint_puts_errors_first_in_form_order() -> None:
    content = complete_content()
    content["timeline"] = [_period("2013-09", "2015-06"), _period("2017-08", None)]
    content["family"][0]["birth_year"] = None
    findings = lint(content, today=TODAY)
    assert [(f.rule, f.row) for f in findings] == [("relative_incomplete", 1), ("timeline_gap", 2)]
    assert blocking(findings) == findings[:1]
    assert findings[0].as_dict() == {
        "rule": "relative_incomplete",
        "severity": "error",
        "section": "family",
        "row": 1,
        "message": "Hoàn cảnh gia đình, dòng 1: thiếu năm sinh của Nguyễn Văn Bình.",
    }


def test_lint_tolerates_missing_sections() -> None:
    assert [f.rule for f in lint({}, today=TODAY)] == [
        "personal_missing",
        "personal_missing",
        "personal_missing",
        "personal_missing",
        "personal_missing",
        "personal_missing",
        "personal_missing",
        "personal_missing",
        "parent_missing",
        "parent_missing",
        "timeline_present",
    ]
