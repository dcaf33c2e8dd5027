"""The unit score of an inspection: a documented formula whose parameters are data
(`ScoreFormula`, the row in force on the notice's date).

    score  = max(0, base − Σ penalty(finding))
    penalty(good) = 0; penalty(shortcoming) = shortcoming_penalty; penalty(violation) =
    violation_penalty; a systemic finding's penalty is multiplied by systemic_factor
    rating = excellent ≥ excellent_min > good ≥ good_min > fair ≥ fair_min > weak ≥ weak_min > poor
    a systemic violation caps the rating at `systemic_cap` (never better than it)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

RATINGS = ("excellent", "good", "fair", "weak", "poor")  # best first
RATING_LABELS = {
    "excellent": _("Excellent"),
    "good": _("Good"),
    "fair": _("Fair"),
    "weak": _("Weak"),
    "poor": _("Poor"),
}
DEFAULT_BASIS = "Công thức nội bộ (ví dụ, có thể sửa; chưa tìm thấy quy định về cách chấm điểm)"


@dataclass(frozen=True)
class Params:
    base: int = 100
    shortcoming_penalty: int = 5
    violation_penalty: int = 15
    systemic_factor: int = 2
    excellent_min: int = 90
    good_min: int = 75
    fair_min: int = 60
    weak_min: int = 40
    systemic_cap: str = "weak"


@dataclass(frozen=True)
class Score:
    score: int
    rating: str
    capped: bool

    @property
    def label(self) -> str:
        return str(RATING_LABELS[self.rating])


def compute(findings: Iterable[tuple[str, str]], params: Params) -> Score:
    """`findings`: (grade, extent) pairs."""
    penalty = 0
    systemic_violation = False
    for grade, extent in findings:
        weight = params.systemic_factor if extent == "systemic" else 1
        if grade == "shortcoming":
            penalty += params.shortcoming_penalty * weight
        elif grade == "violation":
            penalty += params.violation_penalty * weight
            systemic_violation = systemic_violation or extent == "systemic"
    score = max(0, params.base - penalty)
    bands = (
        ("excellent", params.excellent_min),
        ("good", params.good_min),
        ("fair", params.fair_min),
        ("weak", params.weak_min),
    )
    rating = next((name for name, minimum in bands if score >= minimum), "poor")
    capped = False
    if systemic_violation and RATINGS.index(rating) < RATINGS.index(params.systemic_cap):
        rating, capped = params.systemic_cap, True
    return Score(score, rating, capped)


def params_on(day: dt.date) -> Params:
    from bvct.inspections.models import ScoreFormula  # noqa: PLC0415

    row = ScoreFormula.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
    if row is None:
        return Params()
    return Params(
        base=row.base,
        shortcoming_penalty=row.shortcoming_penalty,
        violation_penalty=row.violation_penalty,
        systemic_factor=row.systemic_factor,
        excellent_min=row.excellent_min,
        good_min=row.good_min,
        fair_min=row.fair_min,
        weak_min=row.weak_min,
        systemic_cap=row.systemic_cap,
    )
