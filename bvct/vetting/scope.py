"""The scope of a case, denormalised on its row for `access.policy.cases_visible_to`.

A case is in an actor's reach when its subject's managing unit, the unit holding its file or its
competent authority lies in the actor's subtree, and the subject is within the actor's
clearance. Reading that through the subject's row (a join or a per-case probe of
`people_person`) made the national case list linear in people or in cases; so each case keeps
the three units' tree paths and the subject's classification (`Case.subject_path`,
`holding_path`, `competent_path`, `subject_classification`) and the scope is three index range
scans on the case table itself.

Every writer of what these copy keeps them in step, in its own transaction:

* a new case — `vetting.services.case_open` and the exchange's mirror of a transferred case
  (`exchange.items`) — fills them with `case_scope_fill` before saving;
* a dossier moved or reclassified (`people.services.person_update`) and a merge of two records
  (`people.services.person_merge`, the kept record takes the higher classification) resync the
  person's cases with `case_scope_resync`;
* a unit merge (`orgs.services.unit_merge`) moves the old unit's children, with their subtrees,
  under the successor (their paths change) and the vetting merge handlers move open cases' holding
  unit and competent authority: `resync_after_unit_merge`, registered after them, resyncs every
  case that pointed into the old unit's subtree.

Tree paths change only in a unit merge (`OrgUnit.objects.move`); a rename keeps them.
`bvct/access/tests/test_case_scope_property.py` compares the scope with a parent-link oracle
after each of these writes.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from bvct.orgs.models import OrgUnit
from bvct.people.models import Person
from bvct.vetting.models import Case

if TYPE_CHECKING:
    from bvct.accounts.models import User


def case_scope_fill(case: Case) -> None:
    """Set the scope columns of a case (new or not) from its subject and units, unsaved."""
    case.subject_path = case.person.org_unit.path
    case.subject_classification = case.person.classification
    case.holding_path = case.holding_unit.path
    competent = case.competent_unit
    case.competent_path = competent.path if competent is not None else ""


def scope_values() -> dict[str, Any]:
    """The scope columns as expressions over the relations, for one set-based UPDATE (also
    the data migration's)."""
    subject = Person.objects.order_by().filter(pk=OuterRef("person_id"))

    def path_of(field: str) -> Subquery:
        return Subquery(OrgUnit.objects.order_by().filter(pk=OuterRef(field)).values("path")[:1])

    return {
        "subject_path": Subquery(subject.values("org_unit__path")[:1]),
        "subject_classification": Subquery(subject.values("classification")[:1]),
        "holding_path": path_of("holding_unit_id"),
        "competent_path": Coalesce(path_of("competent_unit_id"), Value("")),
    }


def case_scope_resync(cases: QuerySet[Case]) -> int:
    """Recompute the scope columns of `cases` from the relations, in one UPDATE; returns the
    number of rows written."""
    return cases.update(**scope_values())


def person_cases_resync(person_ids: list[int]) -> int:
    """After a person's unit or classification changed (update, merge)."""
    return case_scope_resync(Case.objects.filter(person_id__in=person_ids))


def resync_after_unit_merge(
    *, unit: OrgUnit, successor: OrgUnit, effective_date: dt.date, actor: User
) -> int:
    """Merge handler (registered last in `apps.py`): every case whose stored paths point into the
    old unit's subtree — subjects and units moved under the successor, open cases whose holding
    unit or authority moved there — takes the current paths. Returns the cases rewritten."""
    del successor, effective_date, actor
    into_old = (
        OrgUnit.subtree_filter(unit.path, prefix="subject_")
        | OrgUnit.subtree_filter(unit.path, prefix="holding_")
        | OrgUnit.subtree_filter(unit.path, prefix="competent_")
    )
    return case_scope_resync(Case.objects.filter(into_old))
