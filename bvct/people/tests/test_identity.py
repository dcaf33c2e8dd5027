from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bvct.people.identity import (
    CCCD_PROVINCE_CODES,
    century_sex_digit,
    duplicate_candidates,
    mask_cccd,
    validate_cccd,
)
from bvct.people.models import Person, Sex
from bvct.people.tests.factories import make_person

M, F = Sex.MALE, Sex.FEMALE


@pytest.mark.parametrize(
    ("cccd", "birth_year", "sex"),
    [
        ("001090012345", 1990, M),  # Hà Nội, man born 1990
        ("048185000123", 1985, F),  # Đà Nẵng, woman born 1985
        ("096200000001", 2000, M),  # Cà Mau, man born 2000
        ("079305123456", 2005, F),  # Hồ Chí Minh, woman born 2005
        ("002099999999", 1999, M),  # Hà Giang, last year of the 1900s
        ("077145000000", 1945, F),  # Bà Rịa - Vũng Tàu
        ("001090012345", None, M),  # year unknown: only sex is checked
        ("001190012345", 1990, ""),  # sex unknown: only the year is checked
    ],
)
def test_valid_cccd_has_no_errors(cccd: str, birth_year: int | None, sex: str) -> None:
    assert validate_cccd(cccd, birth_year=birth_year, sex=sex) == []


@pytest.mark.parametrize(
    ("cccd", "birth_year", "sex", "errors"),
    [
        (
            "00109001234",
            1990,
            M,
            ["Số CCCD phải gồm đúng 12 chữ số; “00109001234” có 11."],
        ),
        (
            "0010900123456",
            1990,
            M,
            ["Số CCCD phải gồm đúng 12 chữ số; “0010900123456” có 13."],
        ),
        ("", 1990, M, ["Số CCCD phải gồm đúng 12 chữ số; “” có 0."]),
        (
            "00109001234a",
            1990,
            M,
            ["Số CCCD chỉ được gồm chữ số; “00109001234a” có ký tự khác."],
        ),
        (
            "００１０９００１２３４５",  # full-width digits are not ASCII digits
            1990,
            M,
            ["Số CCCD chỉ được gồm chữ số; “００１０９００１２３４５” có ký tự khác."],
        ),
        (
            "003090012345",  # 003 was never a province code
            1990,
            M,
            ["Số CCCD: ba chữ số đầu “003” không phải mã tỉnh, thành phố nơi đăng ký khai sinh."],
        ),
        (
            "001190012345",
            1990,
            M,
            ["Số CCCD: chữ số thứ 4 “1” dành cho người giới tính nữ, nhưng giới tính khai là nam."],
        ),
        (
            "001290012345",  # 2 = man born in the 2000s
            1990,
            M,
            [
                "Số CCCD: chữ số thứ 4 “2” dành cho người sinh năm 2000–2099, nhưng năm sinh "
                "là 1990."
            ],
        ),
        (
            "001091012345",
            1990,
            M,
            ["Số CCCD: chữ số thứ 5–6 “91” phải là hai số cuối của năm sinh (90)."],
        ),
        (
            "100391012345",  # everything wrong at once: each problem is reported
            1990,
            M,
            [
                "Số CCCD: ba chữ số đầu “100” không phải mã tỉnh, thành phố nơi đăng ký khai sinh.",
                "Số CCCD: chữ số thứ 4 “3” dành cho người giới tính nữ, nhưng giới tính khai "
                "là nam.",
                "Số CCCD: chữ số thứ 4 “3” dành cho người sinh năm 2000–2099, nhưng năm sinh "
                "là 1990.",
                "Số CCCD: chữ số thứ 5–6 “91” phải là hai số cuối của năm sinh (90).",
            ],
        ),
        (
            "001890012345",  # 8 = man born 2300-2399 (TT 07/2016 Điều 7)
            1890,
            M,
            [
                "Số CCCD: chữ số thứ 4 “8” dành cho người sinh năm 2300–2399, nhưng năm sinh "
                "là 1890."
            ],
        ),
    ],
)
def test_invalid_cccd_reports_each_problem(
    cccd: str, birth_year: int, sex: str, errors: list[str]
) -> None:
    assert validate_cccd(cccd, birth_year=birth_year, sex=sex) == errors


def test_province_table_has_the_63_pre_2025_codes() -> None:
    assert len(CCCD_PROVINCE_CODES) == 63
    assert CCCD_PROVINCE_CODES["001"] == "Hà Nội"
    assert CCCD_PROVINCE_CODES["048"] == "Đà Nẵng"
    assert CCCD_PROVINCE_CODES["096"] == "Cà Mau"
    assert all(len(code) == 3 and code.isdigit() for code in CCCD_PROVINCE_CODES)


@pytest.mark.parametrize(
    ("year", "sex", "digit"),
    [
        (1900, M, 0),
        (1999, F, 1),
        (2000, M, 2),
        (2099, F, 3),
        (2150, M, 4),
        (2399, F, 9),
        (1899, M, None),
        (2400, F, None),
    ],
)
def test_century_sex_digit(year: int, sex: str, digit: int | None) -> None:
    assert century_sex_digit(birth_year=year, sex=sex) == digit


def test_mask_keeps_province_and_last_three_digits() -> None:
    assert mask_cccd("001090012345") == "001******345"
    assert mask_cccd(None) == ""
    assert mask_cccd("") == ""


# --- duplicate candidates ---------------------------------------------------------------------

BIRTH = datetime.date(1980, 3, 4)


@pytest.fixture
def hong(tree) -> Person:
    return make_person(
        org_unit=tree.commune_a1,
        full_name="Nguyễn Thị Hồng Nhung",
        birth_date=BIRTH,
        sex=F,
        cccd="001180000111",
        hometown_province_code="01",
    )


def test_name_and_birth_date_match(hong: Person) -> None:
    # given a differently written name with the same folded key and the same date of birth
    # when
    found = duplicate_candidates(
        full_name="nguyen thi  HONG nhung",
        birth_date=BIRTH,
        cccd=None,
        hometown_province_code="",
    )
    # then
    assert found == [(hong, ("name", "birth_date"))]


def test_one_shared_key_is_not_a_candidate(hong: Person) -> None:
    found = duplicate_candidates(
        full_name="Nguyễn Thị Hồng Nhung",
        birth_date=datetime.date(1981, 3, 4),
        cccd=None,
        hometown_province_code="48",
    )
    assert found == []


def test_cccd_and_hometown_match_without_name(hong: Person) -> None:
    found = duplicate_candidates(
        full_name="Trần Văn Khác",
        birth_date=None,
        cccd="001180000111",
        hometown_province_code="01",
    )
    assert found == [(hong, ("cccd", "hometown"))]


def test_birth_date_and_hometown_match_without_name(hong: Person) -> None:
    found = duplicate_candidates(
        full_name="Lê Thị Hoa",
        birth_date=BIRTH,
        cccd="",
        hometown_province_code="01",
    )
    assert found == [(hong, ("birth_date", "hometown"))]


def test_candidates_ranked_by_keys_shared_and_exclude_self_and_merged(tree, hong: Person) -> None:
    # given a weaker candidate, a merged record and the record being edited
    weaker = make_person(
        org_unit=tree.commune_b1,
        full_name="Nguyễn Thị Hồng Nhung",
        birth_date=datetime.date(1975, 1, 1),
        hometown_province_code="01",
    )
    make_person(
        org_unit=tree.commune_a1,
        full_name="Nguyễn Thị Hồng Nhung",
        birth_date=BIRTH,
        hometown_province_code="01",
        merged_into=hong,
    )
    editing = make_person(
        org_unit=tree.commune_a1, full_name="Nguyễn Thị Hồng Nhung", birth_date=BIRTH
    )
    # when
    found = duplicate_candidates(
        full_name="Nguyễn Thị Hồng Nhung",
        birth_date=BIRTH,
        cccd="001180000111",
        hometown_province_code="01",
        exclude_id=editing.pk,
    )
    # then
    assert found == [
        (hong, ("name", "birth_date", "cccd", "hometown")),
        (weaker, ("name", "hometown")),
    ]


def test_scope_restricts_candidates(tree, hong: Person) -> None:
    found = duplicate_candidates(
        full_name="Nguyễn Thị Hồng Nhung",
        birth_date=BIRTH,
        cccd=None,
        hometown_province_code="",
        scope=Person.objects.filter(org_unit=tree.prov_b),
    )
    assert found == []


def test_duplicate_lookups_use_indexes(hong: Person) -> None:
    # given every key filled in: three lookups, each on an index
    with CaptureQueriesContext(connection) as queries:
        duplicate_candidates(
            full_name="Nguyễn Thị Hồng Nhung",
            birth_date=BIRTH,
            cccd="001180000111",
            hometown_province_code="01",
        )
    # then
    assert len(queries.captured_queries) == 3
    for query in queries.captured_queries:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
                assert "SCAN people_person" not in plan, plan
            else:
                cursor.execute("SET enable_seqscan = off")
                cursor.execute("EXPLAIN " + query["sql"])
                plan = " ".join(row[0] for row in cursor.fetchall())
                cursor.execute("RESET enable_seqscan")
                assert "Seq Scan on people_person" not in plan, plan
