"""Seeded data-subject request kinds and time limits: **editable examples**, not a reading of the
law. The Personal Data Protection Law of 2025 (PDPL) is not in the project's domain reference
(`/work/shared/domain.md`); the figures below are those of issue 11 — acknowledge within 2 working
days, complete within 15 days, one extension of 15 — with the 15 days counted as calendar days
[U]. Check them against the law and its decree, then revise the rows (a new row with a new
`valid_from`, the old one closed), never in place."""

from __future__ import annotations

import datetime as dt
from typing import Any

LIMIT_LEGAL_BASIS = (
    "Luật Bảo vệ dữ liệu cá nhân 2025 (ví dụ — đối chiếu điều khoản về thời hạn trước khi dùng)"
)
LIMITS_VALID_FROM = dt.date(2026, 1, 1)
# (step, days, counted in working days)
DEFAULT_LIMITS: tuple[tuple[str, int, bool], ...] = (
    ("acknowledge", 2, True),
    ("complete", 15, False),
    ("extension", 15, False),
)
# (code, Vietnamese name, description)
DEFAULT_KINDS: tuple[tuple[str, str, str], ...] = (
    (
        "access",
        "Xem, nhận bản sao dữ liệu",
        "Được biết dữ liệu nào đang được xử lý và nhận bản sao.",
    ),
    ("correction", "Chỉnh sửa dữ liệu", "Sửa dữ liệu sai hoặc bổ sung dữ liệu thiếu."),
    ("deletion", "Xóa dữ liệu", "Xóa dữ liệu không còn cần cho mục đích đã nêu."),
    ("restriction", "Hạn chế xử lý", "Tạm dừng hoặc hạn chế việc xử lý dữ liệu."),
    ("withdraw_consent", "Rút lại sự đồng ý", "Rút lại sự đồng ý đã cho trước đây."),
    ("objection", "Phản đối xử lý", "Phản đối việc xử lý dữ liệu cho một mục đích."),
)


def seed_defaults(kind_model: Any = None, limit_model: Any = None) -> None:
    if kind_model is None or limit_model is None:
        from bvct.privacy.models import (  # noqa: PLC0415
            SubjectRequestKind,
            SubjectRequestLimit,
        )

        kind_model, limit_model = SubjectRequestKind, SubjectRequestLimit
    for code, name, description in DEFAULT_KINDS:
        kind_model.objects.get_or_create(
            code=code, defaults={"name": name, "description": description}
        )
    for step, days, working in DEFAULT_LIMITS:
        limit_model.objects.get_or_create(
            step=step,
            valid_from=LIMITS_VALID_FROM,
            defaults={"days": days, "working_days": working, "legal_basis": LIMIT_LEGAL_BASIS},
        )
