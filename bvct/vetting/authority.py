"""The competent authority: which node's approvers decide and sign a case.

Computed from the tree for (case type, the subject's managing node, purpose), domain.md §3 (a)
"Competent authority", §4.3:

* admission verification and political-history conclusion: the committee **above grassroots**
  that the subject's organisation reports to — after 2025 normally the commune/ward committee
  (its standing committee decides); a subject managed directly by a commune-level or higher
  committee is decided there;
* political-standard appraisal follows the cadre-management level: for a committee seat, a key
  post, a confidential post or an election candidacy the **provincial** level (or the central
  party organisation) that manages the subject's area; for planning and training the committee
  above grassroots, as for admission.

The post-2025 details are not confirmed (domain.md marks them [U]), so every default can be
replaced by data: an `AuthorityRule` for (case type, purpose, subjects in a subtree) wins, the
deepest first — e.g. a grassroots committee authorised to admit its own members.
"""

from __future__ import annotations

from django.db.models import Q

from bvct.orgs.models import OrgUnit
from bvct.vetting.models import AuthorityRule, Case, CaseType, Purpose

K = OrgUnit.Kind
# Committees above grassroots, from the bottom up: the first one met walking up decides.
ABOVE_GRASSROOTS = frozenset({K.COMMUNE, K.PROVINCIAL_BLOCK, K.PROVINCE, K.CENTRAL_ORG, K.CENTRAL})
PROVINCIAL_LEVEL = frozenset({K.PROVINCE, K.CENTRAL_ORG, K.CENTRAL})
PROVINCIAL_PURPOSES = frozenset(
    {
        Purpose.COMMITTEE_SEAT,
        Purpose.KEY_POST,
        Purpose.CONFIDENTIAL_POST,
        Purpose.ELECTION_CANDIDACY,
    }
)


def _ancestors_and_self(unit: OrgUnit) -> list[OrgUnit]:
    """From the unit up to the root (one query on the path index)."""
    step = OrgUnit.steplen
    paths = [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]
    by_path = {u.path: u for u in OrgUnit.objects.filter(path__in=paths)}
    return [by_path[p] for p in reversed(paths) if p in by_path]


def _default(case_type: str, purpose: str, chain: list[OrgUnit]) -> OrgUnit:
    wanted = (
        PROVINCIAL_LEVEL
        if case_type == CaseType.APPRAISAL and purpose in PROVINCIAL_PURPOSES
        else ABOVE_GRASSROOTS
    )
    for unit in chain:
        if unit.kind in wanted:
            return unit
    return chain[-1]  # the root decides when nothing else fits


def _in_office(unit: OrgUnit) -> OrgUnit:
    """A unit merged away hands its decisions to its successor (and that one to its own)."""
    seen = {unit.pk}
    while unit.valid_to is not None and unit.successor is not None:
        unit = unit.successor
        if unit.pk in seen:  # a cycle in bad data: stop rather than loop
            break
        seen.add(unit.pk)
    return unit


def competent_unit_for(*, case_type: str, subject_unit: OrgUnit, purpose: str = "") -> OrgUnit:
    """Two queries: the subject's ancestors, then the rules on them (plus one per merge hop when
    a rule names a unit that has since been merged away)."""
    return _in_office(_competent(case_type, subject_unit, purpose))


def _competent(case_type: str, subject_unit: OrgUnit, purpose: str) -> OrgUnit:
    chain = _ancestors_and_self(subject_unit)
    rules = {
        (rule.org_unit_id, rule.purpose): rule
        for rule in AuthorityRule.objects.filter(
            Q(purpose=purpose) | Q(purpose=""),
            case_type=case_type,
            org_unit__in=chain,
        ).select_related("competent_unit")
    }
    for unit in chain:  # deepest first; a purpose-specific rule wins at the same depth
        for key in ((unit.pk, purpose), (unit.pk, "")):
            if key in rules:
                return rules[key].competent_unit
    return _default(case_type, purpose, chain)


def competent_unit(case: Case) -> OrgUnit:
    """The case's competent unit: fixed when it was opened, computed for older rows."""
    if case.competent_unit_id is not None:
        assert case.competent_unit is not None  # noqa: S101 (the FK is set)
        return case.competent_unit
    return competent_unit_for(
        case_type=case.case_type, subject_unit=case.person.org_unit, purpose=case.purpose
    )
