"""Case types as data: stages, transition table, guards and required-document checklists.

`TRANSITIONS[case_type]` is the table `dict[Status, frozenset[Status]]` of one case type, derived
from its edges; every pair outside it is refused by `services.case_transition`. Guards are named
functions `(case) -> message | None` looked up in `GUARDS`; time limits are not here (they are
`StepLimit` rows).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bvct.accounts.models import RoleCode
from bvct.vetting.models import Case, CaseType, Status

WORKERS = frozenset({RoleCode.CLERK, RoleCode.OFFICER})
OFFICERS = frozenset({RoleCode.OFFICER})
APPROVERS = frozenset({RoleCode.APPROVER})
MIN_TEAM_SIZE = 3


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: Promise
    needed_for: Status  # the transition into this stage needs the item


@dataclass(frozen=True)
class Edge:
    to: Status
    label: Promise  # the button
    roles: frozenset[str]
    guards: tuple[str, ...] = ()
    reason_required: bool = False
    decides: bool = False  # a decision: only approvers of the competent authority


@dataclass(frozen=True)
class CaseTypeSpec:
    case_type: CaseType
    initial: Status
    edges: dict[Status, tuple[Edge, ...]]
    checklist: tuple[ChecklistItem, ...] = ()
    needs_purpose: bool = False
    terminal: frozenset[Status] = field(default_factory=frozenset)

    @property
    def transitions(self) -> dict[Status, frozenset[Status]]:
        return {source: frozenset(e.to for e in edges) for source, edges in self.edges.items()}

    @property
    def reopenable(self) -> frozenset[Status]:
        """Terminal stages with an edge out (reopening on new facts)."""
        return frozenset(self.edges) & self.terminal

    @property
    def stages(self) -> frozenset[Status]:
        return frozenset(self.edges) | self.terminal

    def edge(self, source: str, target: str) -> Edge | None:
        for edge in self.edges.get(Status(source), ()) if source in Status.values else ():
            if edge.to == target:
                return edge
        return None


def _withdraw() -> Edge:
    return Edge(
        Status.WITHDRAWN,
        _("Withdraw the case"),
        frozenset({RoleCode.OFFICER, RoleCode.APPROVER}),
        reason_required=True,
    )


def _reopen() -> Edge:
    """Reopen a concluded or refused case on new facts (leaves the terminal stage)."""
    return Edge(
        Status.VERIFYING,
        _("Reopen on new facts"),
        APPROVERS,
        reason_required=True,
        decides=True,
    )


def _return_for_changes() -> Edge:
    return Edge(
        Status.VERIFYING, _("Return for more verification"), APPROVERS, reason_required=True
    )


ADMISSION = CaseTypeSpec(
    case_type=CaseType.ADMISSION,
    initial=Status.OPEN,
    edges={
        Status.OPEN: (
            Edge(Status.VERIFYING, _("Send verification requests"), WORKERS),
            _withdraw(),
        ),
        Status.VERIFYING: (
            Edge(Status.RESOLVED, _("Record the chi bộ resolution"), WORKERS, ("checklist",)),
            _withdraw(),
        ),
        Status.RESOLVED: (
            Edge(
                Status.ADMITTED,
                _("Decide to admit"),
                APPROVERS,
                ("checklist", "due_process"),
                decides=True,
            ),
            Edge(
                Status.REFUSED,
                _("Refuse admission"),
                APPROVERS,
                ("due_process",),
                reason_required=True,
                decides=True,
            ),
            _return_for_changes(),
            _withdraw(),
        ),
        Status.ADMITTED: (Edge(Status.CEREMONY_HELD, _("Record the ceremony"), WORKERS),),
        Status.REFUSED: (_reopen(),),
    },
    checklist=(
        ChecklistItem("ly_lich_2knd", _("Lý lịch (2-KNĐ), stamped across pages"), Status.RESOLVED),
        ChecklistItem("replies_20knd", _("Verification replies (20-KNĐ)"), Status.RESOLVED),
        ChecklistItem(
            "opinions_5knd", _("Opinions of mass organisations (5-KNĐ)"), Status.RESOLVED
        ),
        ChecklistItem("resolution_6knd", _("Chi bộ resolution (6-KNĐ)"), Status.RESOLVED),
        ChecklistItem(
            "resolution_8knd", _("Grassroots committee resolution (8-KNĐ)"), Status.ADMITTED
        ),
    ),
    terminal=frozenset({Status.CEREMONY_HELD, Status.REFUSED, Status.WITHDRAWN}),
)

APPRAISAL = CaseTypeSpec(
    case_type=CaseType.APPRAISAL,
    initial=Status.OPEN,
    edges={
        Status.OPEN: (
            Edge(Status.SCREENING, _("Receive and screen the dossier"), WORKERS),
            _withdraw(),
        ),
        Status.SCREENING: (
            Edge(Status.VERIFYING, _("Start gathering information"), OFFICERS, ("checklist",)),
            _withdraw(),
        ),
        Status.VERIFYING: (Edge(Status.REVIEW, _("Submit the report"), OFFICERS), _withdraw()),
        Status.REVIEW: (
            Edge(Status.CONCLUDED, _("Conclude"), APPROVERS, ("due_process",), decides=True),
            _return_for_changes(),
            _withdraw(),
        ),
        Status.CONCLUDED: (_reopen(),),
    },
    checklist=(
        ChecklistItem("request_letter", _("Request from the managing body"), Status.VERIFYING),
        ChecklistItem("cv_2c", _("Curriculum vitae (2C/TCTW-98)"), Status.VERIFYING),
        ChecklistItem("assessments", _("Workplace and residence assessments"), Status.VERIFYING),
    ),
    needs_purpose=True,
    terminal=frozenset({Status.CONCLUDED, Status.WITHDRAWN}),
)

HISTORY = CaseTypeSpec(
    case_type=CaseType.HISTORY,
    initial=Status.OPEN,
    edges={
        Status.OPEN: (
            Edge(
                Status.DECISION_ISSUED,
                _("Record the verification decision"),
                OFFICERS,
                ("decision",),
            ),
            _withdraw(),
        ),
        Status.DECISION_ISSUED: (
            Edge(Status.VERIFYING, _("Start verification"), OFFICERS, ("decision", "team")),
            _withdraw(),
        ),
        Status.VERIFYING: (
            Edge(Status.REVIEW, _("Submit the team's report"), OFFICERS, ("team", "checklist")),
            _withdraw(),
        ),
        Status.REVIEW: (
            Edge(
                Status.CONCLUDED,
                _("Conclude"),
                APPROVERS,
                ("decision", "team", "due_process"),
                decides=True,
            ),
            _return_for_changes(),
            _withdraw(),
        ),
        Status.CONCLUDED: (_reopen(),),
    },
    checklist=(
        ChecklistItem("minutes", _("Verification minutes"), Status.REVIEW),
        ChecklistItem("explanation", _("Subject's written explanation"), Status.REVIEW),
    ),
    terminal=frozenset({Status.CONCLUDED, Status.WITHDRAWN}),
)

SPECS: dict[str, CaseTypeSpec] = {spec.case_type: spec for spec in (ADMISSION, APPRAISAL, HISTORY)}
TRANSITIONS: dict[str, dict[Status, frozenset[Status]]] = {
    case_type: spec.transitions for case_type, spec in SPECS.items()
}
# The transition that means "approve" for each type (the named verb `case_approve`).
APPROVE_TO: dict[str, Status] = {
    CaseType.ADMISSION: Status.ADMITTED,
    CaseType.APPRAISAL: Status.CONCLUDED,
    CaseType.HISTORY: Status.CONCLUDED,
}


def spec_for(case_type: str) -> CaseTypeSpec:
    return SPECS[case_type]


def is_terminal(case_type: str, status: str) -> bool:
    return status in SPECS[case_type].terminal


# --- guards: (case, target) -> None when satisfied, else a Vietnamese message -----------------

Guard = Callable[[Case, Status], str | None]


def missing_checklist(case: Case, target: Status) -> list[ChecklistItem]:
    marked = set(case.checklist_marks.values_list("code", flat=True))
    items = spec_for(case.case_type).checklist
    return [i for i in items if i.needed_for == target and i.code not in marked]


def guard_checklist(case: Case, target: Status) -> str | None:
    missing = missing_checklist(case, target)
    if not missing:
        return None
    return gettext("Required documents not yet received: %(items)s.") % {
        "items": "; ".join(str(item.label) for item in missing)
    }


def guard_decision(case: Case, target: Status) -> str | None:
    if case.verification_decision.strip():
        return None
    return gettext(
        "Verification decision: record the competent committee's decision to verify first."
    )


def guard_team(case: Case, target: Status) -> str | None:
    members = list(case.team.values_list("is_leader", flat=True))
    if len(members) >= MIN_TEAM_SIZE and any(members):
        return None
    return gettext(
        "Verification team: at least %(min)d members with an appointed leader are needed "
        "(now %(count)d)."
    ) % {"min": MIN_TEAM_SIZE, "count": len(members)}


NEEDS_OPENING_NOTICE = frozenset({CaseType.APPRAISAL, CaseType.HISTORY})


def guard_due_process(case: Case, target: Status) -> str | None:
    """No decision while the subject may still explain an opening notice; appraisals and
    political-history conclusions need an opening notice at all (domain.md §3 (b), (c))."""
    from bvct.vetting.models import CaseNotice  # noqa: PLC0415 (kept beside the guard)

    today = timezone.localdate()
    opening = CaseNotice.objects.filter(case=case, kind=CaseNotice.Kind.OPENING)
    if case.case_type in NEEDS_OPENING_NOTICE and not opening.exists():
        return gettext(
            "Notice: the subject has not been told what is being verified; issue the "
            "opening notice first."
        )
    waiting = (
        opening.filter(explanation_due_on__gte=today, explanation__isnull=True)
        .order_by("-explanation_due_on")
        .first()
    )
    if waiting is not None and waiting.explanation_due_on is not None:
        return gettext("Explanation: the subject may still explain until %(date)s.") % {
            "date": f"{waiting.explanation_due_on:%d/%m/%Y}"
        }
    return None


GUARDS: dict[str, Guard] = {
    "checklist": guard_checklist,
    "decision": guard_decision,
    "team": guard_team,
    "due_process": guard_due_process,
}


def guard_failures(case: Case, edge: Edge) -> list[str]:
    failures = [GUARDS[name](case, edge.to) for name in edge.guards]
    return [message for message in failures if message]
