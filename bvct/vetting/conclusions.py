"""The conclusion written by a decision (domain.md §3 (a)–(c), §6): called by
`services.case_transition` inside its transaction, after the stage has changed.

A decision edge into ADMITTED, REFUSED or CONCLUDED needs a `ConclusionInput` (outcome and the
facts relied on). The conclusion stores the criteria evaluation in force on the day (admission:
purpose "admission"; appraisal: the case's purpose; none for political history), takes the next
number of the competent unit ("KL", or "QĐ" for admission decisions), generates the DOCX in the
party format (visible to the subject) and a CONCLUSION notice to the subject. It writes no audit
event of its own: the transition's event carries its id and number.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from bvct.accounts.models import User
from bvct.core.errors import DomainError
from bvct.criteria.models import Evaluation
from bvct.criteria.selectors import evaluation_preview
from bvct.vetting import docx, numbering
from bvct.vetting.authority import competent_unit
from bvct.vetting.models import (
    Case,
    CaseConclusion,
    CaseNotice,
    CaseTransition,
    CaseType,
    ConclusionOutcome,
    Status,
)
from bvct.vetting.storage import store_file

CO = ConclusionOutcome
# (case type, target stage) -> the outcomes an approver may choose
OUTCOMES: dict[tuple[str, str], tuple[str, ...]] = {
    (CaseType.ADMISSION, Status.ADMITTED): (CO.ADMIT,),
    (CaseType.ADMISSION, Status.REFUSED): (CO.REFUSE,),
    (CaseType.APPRAISAL, Status.CONCLUDED): (CO.MEETS, CO.NEEDS_APPROVAL, CO.DOES_NOT_MEET),
    (CaseType.HISTORY, Status.CONCLUDED): (CO.CONFIRMED, CO.NOT_CONFIRMED, CO.CLEARED),
}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class ConclusionInput:
    outcome: str
    facts: str


def concludes(case_type: str, target: str) -> bool:
    """Whether moving into `target` writes a conclusion."""
    return (case_type, target) in OUTCOMES


def outcomes_for(case_type: str, target: str) -> list[tuple[str, str]]:
    return [(code, str(CO(code).label)) for code in OUTCOMES.get((case_type, target), ())]


def check_input(case: Case, target: str, data: ConclusionInput | None) -> ConclusionInput:
    """Refuse a decision without an allowed outcome and written facts (before any write)."""
    allowed = OUTCOMES[(case.case_type, target)]
    if data is None:
        raise DomainError(
            _("Conclusion: a decision needs its outcome and the facts relied on."),
            field="outcome",
        )
    outcome = data.outcome or (allowed[0] if len(allowed) == 1 else "")
    if outcome not in allowed:
        raise DomainError(
            _("Outcome: choose one of %(choices)s.")
            % {"choices": ", ".join(str(CO(code).label) for code in allowed)},
            field="outcome",
        )
    if not data.facts.strip():
        raise DomainError(_("Facts: write the facts the conclusion relies on."), field="facts")
    return ConclusionInput(outcome, data.facts.strip())


def criteria_purpose(case: Case) -> str | None:
    if case.case_type == CaseType.ADMISSION:
        return "admission"
    if case.case_type == CaseType.APPRAISAL:
        return case.purpose
    return None


def _evaluation(case: Case, actor: User, day: datetime.date) -> Evaluation | None:
    purpose = criteria_purpose(case)
    if purpose is None:
        return None
    live = evaluation_preview(person=case.person, purpose=purpose, as_of=day)
    if live.version is None or live.result is None:
        return None  # no rule set in force: concluded without one (the DOCX and page say so)
    return Evaluation.objects.create(
        person=case.person,
        purpose=purpose,
        as_of=day,
        version=live.version,
        outcome=live.result.outcome,
        trace=live.result.trace,
        evaluated_by=actor,
    )


def conclusion_write(
    *,
    case: Case,
    transition: CaseTransition,
    actor: User,
    data: ConclusionInput,
    day: datetime.date,
) -> CaseConclusion:
    unit = competent_unit(case)
    doc_type = (
        numbering.DOC_DECISION
        if case.case_type == CaseType.ADMISSION
        else (numbering.DOC_CONCLUSION)
    )
    number, term = numbering.next_number(issuing_unit=unit, doc_type=doc_type, day=day)
    conclusion = CaseConclusion.objects.create(
        case=case,
        transition=transition,
        outcome=data.outcome,
        facts=data.facts,
        evaluation=_evaluation(case, actor, day),
        issuing_unit=unit,
        doc_type=doc_type,
        term=term,
        number=number,
        reference=numbering.reference(number, doc_type, unit),
        issued_on=day,
        signed_by=actor,
    )
    content = docx.render_conclusion(conclusion)
    conclusion.document = store_file(
        case=case,
        actor=actor,
        kind="conclusion",
        title=f"{conclusion.reference} ({docx.OUTCOME_TEXT[data.outcome]})",
        original_name=f"{conclusion.reference.removeprefix('Số ').replace('/', '-')}.docx",
        content_type=DOCX_TYPE,
        data=content,
        visible_to_subject=True,
    )
    conclusion.save(update_fields=["document"])
    CaseNotice.objects.create(
        case=case,
        kind=CaseNotice.Kind.CONCLUSION,
        body=f"{conclusion.reference} ngày {day:%d/%m/%Y}: {docx.OUTCOME_TEXT[data.outcome]}.",
        issued_on=day,
        issued_by=actor,
    )
    return conclusion


def current_conclusion(case: Case) -> CaseConclusion | None:
    return (
        CaseConclusion.objects.filter(case=case, is_current=True)
        .select_related("evaluation__version__ruleset", "signed_by", "issuing_unit", "document")
        .first()
    )
