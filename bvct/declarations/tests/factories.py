"""Test builders for lý lịch versions. They write rows directly (no audit): use the services in
tests that are about writes."""

from __future__ import annotations

import copy
from typing import Any

from django.utils import timezone

from bvct.accounts.models import User
from bvct.declarations.models import Declaration
from bvct.declarations.schema import empty_content
from bvct.people.models import Person

# A complete lý lịch the linter accepts on 15/06/2026 (see test_linter.TODAY).
COMPLETE: dict[str, Any] = {
    **empty_content(),
    "personal": {
        "full_name": "Nguyễn Văn An",
        "birth_name": "",
        "other_names": "",
        "sex": "male",
        "birth_date": "1995-03-12",
        "birthplace": "Xã Đông Anh, Hà Nội",
        "hometown": "Xã Đông Anh, Hà Nội",
        "residence": "Phường Hoàn Kiếm, Hà Nội",
        "current_address": "",
        "occupation": "Kỹ sư",
        "general_education": "12/12",
        "marital_status": "married",
        "youth_union_date": "2010-03",
    },
    "family": [
        {"relationship": "father", "full_name": "Nguyễn Văn Bình", "birth_year": 1965,
         "address": "Xã Đông Anh, Hà Nội", "occupation": "Nông dân", "is_deceased": False,
         "is_abroad": False},
        {"relationship": "mother", "full_name": "Trần Thị Cúc", "birth_year": 1968,
         "address": "Xã Đông Anh, Hà Nội", "occupation": "Nông dân", "is_deceased": False,
         "is_abroad": False},
        {"relationship": "spouse", "full_name": "Lê Thị Dung", "birth_year": 1996,
         "address": "Phường Hoàn Kiếm, Hà Nội", "occupation": "Giáo viên",
         "is_deceased": False, "is_abroad": False},
    ],
    "timeline": [
        {"from_month": "2013-09", "to_month": "2017-06", "activity": "Sinh viên",
         "place": "Trường Đại học Bách khoa Hà Nội"},
        {"from_month": "2017-08", "to_month": None, "activity": "Kỹ sư",
         "place": "Công ty cổ phần Du lịch Hồ Gươm"},
    ],
}  # fmt: skip


def complete_content() -> dict[str, Any]:
    return copy.deepcopy(COMPLETE)


def make_declaration(
    *,
    person: Person,
    entered_by: User,
    number: int | None = None,
    status: str = Declaration.Status.DRAFT,
    channel: str = Declaration.Channel.PAPER,
    content: dict[str, Any] | None = None,
    **fields: Any,
) -> Declaration:
    if number is None:
        number = Declaration.objects.filter(person=person).count() + 1
    if status == Declaration.Status.SUBMITTED:
        fields.setdefault("submitted_at", timezone.now())
        fields.setdefault("submitted_by", entered_by)
    return Declaration.objects.create(
        person=person,
        number=number,
        status=status,
        channel=channel,
        content=complete_content() if content is None else content,
        entered_by=entered_by,
        **fields,
    )
