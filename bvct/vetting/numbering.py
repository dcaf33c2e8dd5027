"""Document numbers in the party format (domain.md §6 "Numbering"): continuous from 01 for each
document type within a committee's term, per issuing unit.

`next_number` locks the `DocumentSequence` row of (unit, type, term) with SELECT … FOR UPDATE, so
two conclusions signed at the same moment never share a number and no number is skipped; it must
run inside the caller's transaction (the conclusion is written in the same one).
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction

from bvct.orgs.models import OrgUnit
from bvct.vetting.defaults import DEFAULT_TERMS
from bvct.vetting.models import CommitteeTerm, DocumentSequence

K = OrgUnit.Kind
# The issuer's symbol after the slash: "Số 01-KL/TU" (tỉnh ủy), "…/ĐU" (đảng ủy), "…/CB" (chi bộ).
ISSUER_SYMBOLS: dict[str, str] = {
    K.CENTRAL: "TW",
    K.CENTRAL_ORG: "ĐU",
    K.PROVINCE: "TU",
    K.PROVINCIAL_BLOCK: "ĐU",
    K.COMMUNE: "ĐU",
    K.GRASSROOTS: "ĐU",
    K.SUB_COMMITTEE: "ĐU",
    K.BRANCH: "CB",
}

DOC_CONCLUSION = "KL"  # kết luận
DOC_DECISION = "QĐ"  # quyết định
DOC_NOTICE = "TB"  # thông báo


def _chain(unit: OrgUnit) -> list[OrgUnit]:
    """The unit and its ancestors, nearest first."""
    step = OrgUnit.steplen
    paths = [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]
    by_path = {u.path: u for u in OrgUnit.objects.filter(path__in=paths)}
    return [by_path[p] for p in reversed(paths) if p in by_path]


def term_for(unit: OrgUnit, day: datetime.date) -> str:
    """The label of the term in force on `day`: the latest `CommitteeTerm` of the unit, else of
    its nearest ancestor, started on or before `day`; else the national default terms."""
    chain = _chain(unit)
    rows = CommitteeTerm.objects.filter(org_unit__in=chain, starts_on__lte=day).order_by(
        "-starts_on"
    )
    by_unit: dict[int, str] = {}
    for row in rows:
        by_unit.setdefault(row.org_unit_id, row.label)
    for node in chain:
        if node.pk in by_unit:
            return by_unit[node.pk]
    started = [label for label, starts_on in DEFAULT_TERMS if starts_on <= day]
    return started[-1] if started else DEFAULT_TERMS[0][0]


def next_number(*, issuing_unit: OrgUnit, doc_type: str, day: datetime.date) -> tuple[int, str]:
    """Take the next number of (unit, type, term on `day`); returns (number, term)."""
    term = term_for(issuing_unit, day)
    key = {"issuing_unit": issuing_unit, "doc_type": doc_type, "term": term}
    if not DocumentSequence.objects.filter(**key).exists():
        try:
            with transaction.atomic():  # a savepoint: a concurrent creator wins, we reuse its row
                DocumentSequence.objects.create(**key)
        except IntegrityError:
            pass
    sequence = DocumentSequence.objects.select_for_update().get(**key)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number, term


def issuer_symbol(unit: OrgUnit) -> str:
    return ISSUER_SYMBOLS.get(unit.kind, "ĐU")


def reference(number: int, doc_type: str, unit: OrgUnit) -> str:
    """ "Số 01-KL/ĐU": two digits at least, the type, the issuer's symbol."""
    return f"Số {number:02d}-{doc_type}/{issuer_symbol(unit)}"
