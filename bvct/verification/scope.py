"""The scope guard (domain.md §3 (a) "Who is verified"): for admission verification only the
applicant and the relatives the rules name may be covered — birth parents; parents-in-law or the
person who raised the applicant; the spouse; children with full civil capacity. Anyone else needs
a written reason and an approver's consent. Other case types name no such list.

A relative who is a party member with a submitted lý lịch can be checked against their own
record instead of a letter (HD 06 §3.4.c, [U] exact wording): `own_record_available` offers it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from bvct.declarations.models import Declaration
from bvct.people.models import DatePrecision, Relative
from bvct.vetting.models import Case, CaseType

R = Relative.Relationship
ALWAYS_NAMED = frozenset({R.FATHER, R.MOTHER, R.PARENT_IN_LAW, R.CARER, R.SPOUSE})
ADULT_AGE = 18


@dataclass(frozen=True)
class Verdict:
    in_scope: bool
    why: str  # shown next to the relative: why the rules name them, or why not


def latest_possible_birthday(relative: Relative) -> dt.date | None:
    """The latest birthday the recorded precision allows (so "adult" is never assumed)."""
    if relative.birth_date is not None:
        if relative.birth_precision == DatePrecision.MONTH:
            last = calendar.monthrange(relative.birth_date.year, relative.birth_date.month)[1]
            return relative.birth_date.replace(day=last)
        if relative.birth_precision == DatePrecision.YEAR:
            return dt.date(relative.birth_date.year, 12, 31)
        return relative.birth_date
    if relative.birth_year:
        return dt.date(relative.birth_year, 12, 31)
    return None


def is_surely_adult(relative: Relative, day: dt.date) -> bool:
    born = latest_possible_birthday(relative)
    if born is None:
        return False
    try:
        coming_of_age = born.replace(year=born.year + ADULT_AGE)
    except ValueError:  # 29 February
        coming_of_age = dt.date(born.year + ADULT_AGE, 3, 1)
    return coming_of_age <= day


def verdict(case: Case, relative: Relative, day: dt.date) -> Verdict:
    if case.case_type != CaseType.ADMISSION:
        return Verdict(in_scope=True, why=_("No list of relatives applies to this case type."))
    if relative.relationship in ALWAYS_NAMED:
        return Verdict(in_scope=True, why=_("Named by the rules for admission verification."))
    if relative.relationship == R.CHILD:
        if is_surely_adult(relative, day):
            return Verdict(in_scope=True, why=_("An adult child: named by the rules."))
        return Verdict(
            in_scope=False,
            why=_("A child who is not known to be an adult: not named by the rules."),
        )
    return Verdict(in_scope=False, why=_("Not named by the rules for admission verification."))


def own_record_available(relative: Relative) -> bool:
    """A party member with their own record and a submitted lý lịch."""
    person = relative.linked_person
    if person is None or (person.admission_date is None and not person.party_card_number):
        return False
    return Declaration.objects.filter(person=person, status=Declaration.Status.SUBMITTED).exists()
