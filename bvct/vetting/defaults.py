"""Default time limits, as plain data: seeded into `StepLimit` by a data migration and by
`seed_default_limits()`. Change limits in the database (new rows with new dates), not here.

Sources: domain.md §3 (a) step 10–11 and §8 fact 7. Where no regulation sets a limit (marked
`is_statutory=False`), the value is an internal target that each organisation may change.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple


class DefaultLimit(NamedTuple):
    case_type: str
    status: str
    working_days: int
    legal_basis: str
    valid_from: date
    max_extension_days: int = 0
    max_extensions: int = 0
    is_statutory: bool = True
    purpose: str = ""


QD29 = date(2016, 7, 25)  # Quy định 29-QĐ/TW, 25/7/2016
QD58 = date(2022, 2, 8)  # Quy định 58-QĐ/TW, 08/02/2022
INTERNAL = "Chỉ tiêu nội bộ (chưa tìm thấy quy định về thời hạn; có thể sửa)"

DEFAULT_LIMITS: tuple[DefaultLimit, ...] = (
    # (a) admission verification
    DefaultLimit("admission", "open", 10, INTERNAL, QD29, is_statutory=False),
    DefaultLimit("admission", "verifying", 60, INTERNAL, QD29, is_statutory=False),
    DefaultLimit(
        "admission",
        "resolved",
        60,
        "QĐ 29-QĐ/TW (2016) điểm 4.3.1; QĐ 232-QĐ/TW (2025): quyết định trong 60 ngày làm việc "
        "kể từ ngày chi bộ có nghị quyết, gia hạn tối đa 30 ngày làm việc",
        QD29,
        max_extension_days=30,
        max_extensions=1,
    ),
    DefaultLimit(
        "admission",
        "admitted",
        30,
        "QĐ 29-QĐ/TW (2016): tổ chức kết nạp trong 30 ngày làm việc kể từ ngày nhận quyết định",
        QD29,
    ),
    # (b) political-standard appraisal
    DefaultLimit(
        "appraisal",
        "open",
        5,
        "QĐ 80-QĐ/TW (2022): gửi văn bản lấy ý kiến trong 5 ngày làm việc (tham chiếu)",
        QD58,
        is_statutory=False,
    ),
    DefaultLimit("appraisal", "screening", 5, INTERNAL, QD58, is_statutory=False),
    DefaultLimit("appraisal", "verifying", 30, INTERNAL, QD58, 15, 1, is_statutory=False),
    DefaultLimit("appraisal", "review", 10, INTERNAL, QD58, is_statutory=False),
    # (c) political-history conclusion
    DefaultLimit("history", "open", 10, INTERNAL, QD58, is_statutory=False),
    DefaultLimit("history", "decision_issued", 10, INTERNAL, QD58, is_statutory=False),
    DefaultLimit("history", "verifying", 60, INTERNAL, QD58, 30, 1, is_statutory=False),
    DefaultLimit("history", "review", 15, INTERNAL, QD58, is_statutory=False),
)


class DefaultWindow(NamedTuple):
    kind: str  # "explanation" or "appeal"
    days: int
    working_days: bool
    legal_basis: str
    valid_from: date
    case_type: str = ""  # empty: every case type
    is_statutory: bool = False


# domain.md §3 (a) "What the subject is told", (b) "Subject's rights", (c) "Subject": no rule sets
# an explanation window, and the complaint route against a conclusion was not found; the appeal
# default borrows the 30-day complaint period for discipline (QĐ 296 art. 25). Both are editable.
DEFAULT_WINDOWS: tuple[DefaultWindow, ...] = (
    DefaultWindow(
        "explanation",
        10,
        working_days=True,
        legal_basis="Chỉ tiêu nội bộ (chưa tìm thấy quy định về thời hạn giải trình; có thể sửa)",
        valid_from=QD29,
    ),
    DefaultWindow(
        "appeal",
        30,
        working_days=False,
        legal_basis="Tham chiếu QĐ 296-QĐ/TW (2025) Điều 25: khiếu nại trong 30 ngày kể từ "
        "ngày nhận quyết định (áp dụng cho kỷ luật; chưa tìm thấy quy định riêng cho kết "
        "luận; có thể sửa)",
        valid_from=QD29,
    ),
)

# Committee terms (nhiệm kỳ) used for document numbering when no `CommitteeTerm` row covers a
# unit: numbers restart from 01 in each term (domain.md §6 "Numbering").
DEFAULT_TERMS: tuple[tuple[str, date], ...] = (
    ("2020–2025", date(2020, 7, 1)),
    ("2025–2030", date(2025, 7, 1)),
)
