"""Demo lý lịch for the demo member ("member"): version 1 submitted, version 2 a draft to finish.

The draft shows the linter at work: a five-month gap in the work timeline (a warning) and a child
declared without a year of birth (an error that blocks submission until fixed). Written through the
services (so audited) as the member in the portal. Idempotent: nothing happens when the member's
record already has a version, or when there is no record linked to the "member" account.
"""

from __future__ import annotations

import copy
from typing import Any

from django.db import transaction

from bvct.declarations import services
from bvct.declarations.models import Declaration
from bvct.declarations.schema import PERSONAL, empty_content
from bvct.people.models import DatePrecision, Person

DEMO_USERNAME = "member"


def _row(**values: Any) -> dict[str, Any]:
    return values


def _relative(
    relationship: str, name: str, year: int | None, address: str, job: str
) -> dict[str, Any]:
    return _row(
        relationship=relationship,
        full_name=name,
        birth_year=year,
        address=address,
        occupation=job,
        is_deceased=False,
        is_abroad=False,
    )


def _period(start: str, end: str | None, activity: str, place: str) -> dict[str, Any]:
    return _row(from_month=start, to_month=end, activity=activity, place=place)


COMPANY = "Công ty cổ phần Du lịch Hồ Gươm, Phường Hoàn Kiếm, Hà Nội"


def first_version(person: Person) -> dict[str, Any]:
    content = empty_content()
    birth_date = "1992-08-20"
    if person.birth_date is not None and person.birth_precision == DatePrecision.DAY:
        birth_date = person.birth_date.isoformat()
    hometown = person.hometown_text or "Xã Kim Sơn, tỉnh Ninh Bình"
    residence = person.residence_text or "Phường Hoàn Kiếm, Hà Nội"
    content[PERSONAL.key] |= {
        "full_name": person.full_name,
        "sex": person.sex,
        "birth_date": birth_date,
        "birthplace": hometown,
        "hometown": hometown,
        "residence": residence,
        "current_address": residence,
        "occupation": "Hướng dẫn viên du lịch",
        "general_education": "12/12",
        "marital_status": "single",
        "youth_union_date": "2007-03",
    }
    sister = _relative("sibling", "Hoàng Thị Mai", 1995, "Thành phố Osaka, Nhật Bản", "Kỹ sư")
    sister["is_abroad"] = True
    content["family"] = [
        _relative("father", "Hoàng Văn Thành", 1962, "Xã Kim Sơn, tỉnh Ninh Bình", "Nông dân"),
        _relative("mother", "Nguyễn Thị Lan", 1965, "Xã Kim Sơn, tỉnh Ninh Bình", "Nông dân"),
        sister,
    ]
    content["timeline"] = [
        _period(
            "2010-09", "2014-06", "Sinh viên ngành Du lịch học", "Trường Đại học Văn hóa Hà Nội"
        ),
        _period("2014-08", "2019-06", "Nhân viên điều hành tour", COMPANY),
        _period("2019-07", None, "Hướng dẫn viên du lịch, Phòng Lữ hành", COMPANY),
    ]
    content["training"] = [
        _row(kind="education", name="Du lịch học", institution="Trường Đại học Văn hóa Hà Nội",
             from_month="2010-09", to_month="2014-06", mode="Chính quy", qualification="Cử nhân"),
        _row(kind="foreign_language", name="Tiếng Anh", institution="", from_month=None,
             to_month=None, mode="", qualification="B2 (khung 6 bậc)"),
    ]  # fmt: skip
    content["awards"] = [
        _row(kind="award", month="2022-12", form="Giấy khen", reason="Hoàn thành xuất sắc nhiệm vụ",
             decided_by="Giám đốc Công ty"),
    ]  # fmt: skip
    content["relatives_abroad"] = [
        _row(relationship="sibling", full_name="Hoàng Thị Mai", country="Nhật Bản",
             address="Thành phố Osaka", occupation="Kỹ sư", since_year=2019),
    ]  # fmt: skip
    return content


def second_version(first: dict[str, Any]) -> dict[str, Any]:
    """Married, a child (year of birth forgotten), a new post after five months between jobs."""
    content = copy.deepcopy(first)
    content[PERSONAL.key]["marital_status"] = "married"
    content[PERSONAL.key]["occupation"] = "Trưởng nhóm điều hành tour"
    content["family"] += [
        _relative("spouse", "Đỗ Thị Hạnh", 1994, "Phường Hoàn Kiếm, Hà Nội", "Giáo viên"),
        _relative("child", "Hoàng Minh An", None, "Phường Hoàn Kiếm, Hà Nội", ""),
    ]
    content["timeline"][2]["to_month"] = "2024-12"
    content["timeline"].append(
        _period("2025-06", None, "Trưởng nhóm điều hành tour, Phòng Lữ hành", COMPANY)
    )
    return content


@transaction.atomic
def load_demo_declarations() -> Declaration | None:
    """The demo member's two versions; returns the draft (None when nothing was done)."""
    person = (
        Person.objects.select_related("account")
        .filter(account__username=DEMO_USERNAME, merged_into__isnull=True)
        .first()
    )
    if person is None or person.account is None or person.declarations.exists():
        return None
    member = person.account
    portal = Declaration.Channel.PORTAL
    first = first_version(person)
    draft = services.declaration_start(person=person, channel=portal, actor=member)
    for key, value in first.items():
        draft = services.declaration_update_section(
            declaration=draft, section=key, data=value, actor=member
        )
    services.declaration_submit(declaration=draft, actor=member)
    draft = services.declaration_start(person=person, channel=portal, actor=member)
    for key, value in second_version(first).items():
        draft = services.declaration_update_section(
            declaration=draft, section=key, data=value, actor=member
        )
    return draft
