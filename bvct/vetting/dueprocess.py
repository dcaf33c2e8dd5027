"""Due process (domain.md §3 (a) "What the subject is told", (b) "Subject's rights", (c)
"Subject"): the notice to the subject, the explanation window, the appeal against a conclusion
heard by a panel with no earlier role in the case, and reopening when an appeal succeeds.

Windows are `WindowLimit` rows (kind, case type or empty for all, in working or calendar days,
valid from/to), never constants. Every service is keyword-only, takes `actor=`, runs in one
transaction with the case row locked, writes one audit event (ids and codes only) and notifies
after commit.

Explanations from paper: a clerk, officer or approver who works the case may enter an
explanation received on paper (`on_paper=True`) also after the window has closed — a letter
posted in time may arrive late, and the case file must hold it; the explanation records that it
was entered from paper and by whom, and the audit event says whether it was late.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import RoleCode, User
from bvct.audit.models import AuditEvent
from bvct.audit.services import audit_record
from bvct.core.errors import AccessDenied, DomainError
from bvct.vetting import docx, numbering, services
from bvct.vetting.authority import competent_unit
from bvct.vetting.conclusions import DOCX_TYPE, current_conclusion
from bvct.vetting.locks import case_qs_for_update
from bvct.vetting.models import (
    Appeal,
    AppealReviewer,
    Case,
    CaseConclusion,
    CaseDocument,
    CaseNotice,
    CaseNotification,
    CaseTransition,
    Explanation,
    Status,
    TeamMember,
    WindowLimit,
    WorkingSession,
)
from bvct.vetting.storage import store_file
from bvct.workdays.calendar import add_working_days

# Internal rule (no regulation found): an appeal is decided by a panel of at least three
# reviewers, one of them its chair. Change it here and in the user guide together.
MIN_PANEL = 3
DEFAULT_APPEAL_DAYS = 30  # calendar days, when no `WindowLimit` row is in force


def _date(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


# --- windows ------------------------------------------------------------------------------------


def window_for(kind: str, case_type: str, day: datetime.date) -> WindowLimit | None:
    """The row in force on `day`: one for the case type wins over the one for every type."""
    rows = (
        WindowLimit.objects.filter(kind=kind, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .filter(Q(case_type=case_type) | Q(case_type=""))
        .order_by("-valid_from")
    )
    by_specificity = sorted(rows, key=lambda row: row.case_type == "", reverse=False)
    return by_specificity[0] if by_specificity else None


def window_end(limit: WindowLimit | None, start: datetime.date, default_days: int) -> datetime.date:
    if limit is None:
        return start + datetime.timedelta(days=default_days)
    if limit.working_days:
        return add_working_days(start, limit.days)
    return start + datetime.timedelta(days=limit.days)


def _notify(case: Case, kind: str, event_key: str) -> None:
    services._notify(case, kind, event_key)  # the one after-commit notifier


def _lock(case: Case) -> Case:
    return case_qs_for_update().select_related("person", "holding_unit").get(pk=case.pk)


def _member_owns(actor: User, case: Case) -> bool:
    return policy.cases_for_member(actor).filter(pk=case.pk).exists()


# --- notice -------------------------------------------------------------------------------------


@transaction.atomic
def notice_issue(
    *, case: Case, actor: User, kind: str = CaseNotice.Kind.OPENING, body: str = ""
) -> CaseNotice:
    """Tell the subject what is being verified (portal and a numbered printable letter "TB");
    an opening notice opens the explanation window in force for the case type."""
    locked = _lock(case)
    if not policy.can_work_case(actor, locked):
        raise AccessDenied(_("You may not work on this case."))
    if not locked.is_open:
        raise DomainError(_("This case is closed."))
    if kind not in {CaseNotice.Kind.OPENING, CaseNotice.Kind.OTHER}:
        raise DomainError(_("Notice: choose what the notice is about."), field="kind")
    text = (body or locked.subject_matter).strip()
    if not text:
        raise DomainError(
            _("Content: write what is being verified (the case has no description)."),
            field="body",
        )
    today = timezone.localdate()
    due = None
    if kind == CaseNotice.Kind.OPENING:
        limit = window_for(WindowLimit.Kind.EXPLANATION, locked.case_type, today)
        due = window_end(limit, today, 10) if limit is not None else None
    notice = CaseNotice.objects.create(
        case=locked,
        kind=kind,
        body=text,
        issued_on=today,
        issued_by=actor,
        explanation_due_on=due,
    )
    unit = locked.holding_unit
    number, _term = numbering.next_number(
        issuing_unit=unit, doc_type=numbering.DOC_NOTICE, day=today
    )
    reference = numbering.reference(number, numbering.DOC_NOTICE, unit)
    document = store_file(
        case=locked,
        actor=actor,
        kind="notice",
        title=f"Thông báo {reference}",
        original_name=f"{reference.removeprefix('Số ').replace('/', '-')}.docx",
        content_type=DOCX_TYPE,
        data=docx.render_notice(notice, reference=reference, issuing_unit=unit),
        visible_to_subject=True,
    )
    audit_record(
        actor=actor,
        action="vetting.notice.issue",
        target=locked,
        org_unit=locked.holding_unit,
        data={
            "notice": notice.pk,
            "kind": kind,
            "reference": reference,
            "document": document.pk,
            "explanation_due_on": due.isoformat() if due else None,
        },
    )
    _notify(locked, CaseNotification.Kind.NOTICE, f"notice:{notice.pk}")
    return notice


def notice_document(notice: CaseNotice) -> CaseDocument | None:
    """The printable letter of a notice (stored with the case; the audit event names it)."""
    event = (
        AuditEvent.objects.filter(
            action="vetting.notice.issue",
            target_type="vetting.case",
            target_id=str(notice.case_id),
            data__notice=notice.pk,
        )
        .order_by("-seq")
        .first()
    )
    if event is None:
        return None
    return CaseDocument.objects.filter(pk=event.data.get("document"), case=notice.case).first()


@transaction.atomic
def notice_mark_seen(*, notice: CaseNotice, actor: User) -> bool:
    """The subject opened the notice in the portal (first time only); True when marked now."""
    locked = _lock(notice.case)
    if not _member_owns(actor, locked):
        raise AccessDenied(_("You may not see this case."))
    updated = CaseNotice.objects.filter(pk=notice.pk, seen_at__isnull=True).update(
        seen_at=timezone.now()
    )
    if updated:
        audit_record(
            actor=actor,
            action="vetting.notice.seen",
            target=locked,
            org_unit=locked.holding_unit,
            data={"notice": notice.pk},
        )
    return bool(updated)


# --- explanation --------------------------------------------------------------------------------


@transaction.atomic
def explanation_submit(
    *, notice: CaseNotice, actor: User, text: str, on_paper: bool = False
) -> Explanation:
    """The subject's explanation, within the window; or staff entering one from paper (also
    late, see the module docstring). One per notice."""
    locked = _lock(notice.case)
    notice = CaseNotice.objects.get(pk=notice.pk)
    today = timezone.localdate()
    due = notice.explanation_due_on
    if on_paper:
        if not policy.can_work_case(actor, locked):
            raise AccessDenied(_("You may not work on this case."))
    elif not (actor.has_role(RoleCode.MEMBER) and _member_owns(actor, locked)):
        raise AccessDenied(_("Only the subject may explain in the portal."))
    if due is None:
        raise DomainError(_("Explanation: this notice does not ask for one."), field="text")
    if not locked.is_open:
        raise DomainError(_("This case is closed."))
    if not on_paper and today > due:
        raise DomainError(
            _("Explanation: the time to explain ended on %(date)s.") % {"date": _date(due)},
            field="text",
        )
    if not text.strip():
        raise DomainError(_("Explanation: write your explanation."), field="text")
    if Explanation.objects.filter(notice=notice).exists():
        raise DomainError(_("Explanation: already received for this notice."), field="text")
    try:
        with transaction.atomic():
            explanation = Explanation.objects.create(
                notice=notice,
                case=locked,
                text=text.strip(),
                submitted_by=actor,
                on_paper=on_paper,
                submitted_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise DomainError(
            _("Explanation: already received for this notice."), field="text"
        ) from exc
    audit_record(
        actor=actor,
        action="vetting.explanation.submit",
        target=locked,
        org_unit=locked.holding_unit,
        data={
            "notice": notice.pk,
            "explanation": explanation.pk,
            "on_paper": on_paper,
            "late": today > due,
        },
    )
    _notify(locked, CaseNotification.Kind.EXPLAINED, f"explained:{explanation.pk}")
    return explanation


# --- appeal -------------------------------------------------------------------------------------


def appeal_deadline(conclusion: CaseConclusion) -> datetime.date:
    limit = window_for(WindowLimit.Kind.APPEAL, conclusion.case.case_type, conclusion.issued_on)
    return window_end(limit, conclusion.issued_on, DEFAULT_APPEAL_DAYS)


@transaction.atomic
def appeal_lodge(*, case: Case, actor: User, grounds: str) -> Appeal:
    """A complaint against the current conclusion, within the appeal window: by the subject in
    the portal or by staff entering it from paper."""
    locked = _lock(case)
    is_member = actor.has_role(RoleCode.MEMBER) and _member_owns(actor, locked)
    if not (is_member or policy.can_work_case(actor, locked)):
        raise AccessDenied(_("You may not appeal in this case."))
    conclusion = current_conclusion(locked)
    if conclusion is None:
        raise DomainError(_("Appeal: the case has no conclusion to appeal against."))
    deadline = appeal_deadline(conclusion)
    today = timezone.localdate()
    if today > deadline:
        raise DomainError(
            _("Appeal: the time to appeal ended on %(date)s.") % {"date": _date(deadline)},
            field="grounds",
        )
    if not grounds.strip():
        raise DomainError(_("Grounds: write why the conclusion is wrong."), field="grounds")
    pending = Appeal.objects.filter(
        conclusion=conclusion, status__in=[Appeal.Status.LODGED, Appeal.Status.HEARING]
    )
    if pending.exists():
        raise DomainError(_("Appeal: one is already pending for this conclusion."))
    appeal = Appeal.objects.create(
        case=locked,
        conclusion=conclusion,
        grounds=grounds.strip(),
        lodged_by=actor,
        lodged_on=today,
        deadline=deadline,
    )
    audit_record(
        actor=actor,
        action="vetting.appeal.lodge",
        target=locked,
        org_unit=locked.holding_unit,
        data={"appeal": appeal.pk, "conclusion": conclusion.pk, "by_subject": is_member},
    )
    _notify(locked, CaseNotification.Kind.APPEAL, f"appeal:{appeal.pk}")
    return appeal


@dataclass(frozen=True)
class Conflict:
    role: str  # a sentence: what the reviewer did in the case


def conflicts_of(user: User, case: Case) -> list[Conflict]:
    """Every earlier role `user` had in the case (empty: may sit on the appeal panel)."""
    found: list[Conflict] = []

    def add(condition: bool, role: str) -> None:  # noqa: FBT001
        if condition:
            found.append(Conflict(role))

    add(case.person.account_id == user.pk, _("is the subject of the case"))
    add(case.opened_by_id == user.pk, _("opened the case"))
    add(
        case.assignee_id == user.pk
        or AuditEvent.objects.filter(
            action__in=["vetting.case.assign", "vetting.case.claim"],
            target_type="vetting.case",
            target_id=str(case.pk),
            data__new__assignee=user.pk,
        ).exists(),
        _("was assigned the case"),
    )
    add(
        CaseTransition.objects.filter(case=case, actor=user).exists(),
        _("took a step in the case"),
    )
    add(TeamMember.objects.filter(case=case, user=user).exists(), _("was on the verification team"))
    add(
        CaseConclusion.objects.filter(case=case, signed_by=user).exists(),
        _("signed a conclusion of the case"),
    )
    add(CaseNotice.objects.filter(case=case, issued_by=user).exists(), _("issued a notice"))
    add(
        CaseDocument.objects.filter(case=case, uploaded_by=user).exists(),
        _("added a document to the file"),
    )
    add(
        WorkingSession.objects.filter(case=case, recorded_by=user).exists(),
        _("recorded a working session"),
    )
    add(Appeal.objects.filter(case=case, lodged_by=user).exists(), _("lodged an appeal"))
    return found


def may_form_panel(actor: User, case: Case) -> bool:
    """Approvers of the competent unit or of a unit above it."""
    unit = competent_unit(case)
    return (
        policy.can_view_case(actor, case)
        and actor.has_role(RoleCode.APPROVER)
        and actor.org_unit is not None
        and unit.path.startswith(actor.org_unit.path)
    )


@transaction.atomic
def appeal_panel_add(
    *, appeal: Appeal, actor: User, reviewer: User, is_chair: bool = False
) -> AppealReviewer:
    locked = _lock(appeal.case)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if not may_form_panel(actor, locked):
        raise AccessDenied(
            _("Only an approver of the competent authority or a unit above it may form the panel.")
        )
    if appeal.status not in {Appeal.Status.LODGED, Appeal.Status.HEARING}:
        raise DomainError(_("Appeal: already decided."))
    conflicts = conflicts_of(reviewer, locked)
    if conflicts:
        raise DomainError(
            _("Reviewer: %(name)s had an earlier role in the case (%(roles)s).")
            % {"name": reviewer, "roles": "; ".join(c.role for c in conflicts)},
            field="reviewer",
            code="conflict",
        )
    if not (
        reviewer.is_active
        and reviewer.has_role(RoleCode.OFFICER, RoleCode.APPROVER)
        and policy.can_view_case(reviewer, locked)
    ):
        raise DomainError(
            _("Reviewer: %(name)s may not review this case.") % {"name": reviewer},
            field="reviewer",
        )
    if appeal.panel.filter(user=reviewer).exists():
        raise DomainError(_("Reviewer: already on the panel."), field="reviewer")
    if is_chair and appeal.panel.filter(is_chair=True).exists():
        raise DomainError(_("Reviewer: the panel already has a chair."), field="is_chair")
    row = AppealReviewer.objects.create(
        appeal=appeal, user=reviewer, is_chair=is_chair, added_by=actor, added_at=timezone.now()
    )
    if appeal.status == Appeal.Status.LODGED:
        appeal.status = Appeal.Status.HEARING
        appeal.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="vetting.appeal.panel_add",
        target=locked,
        org_unit=locked.holding_unit,
        data={"appeal": appeal.pk, "reviewer": reviewer.pk, "is_chair": is_chair},
    )
    return row


@transaction.atomic
def appeal_decide(*, appeal: Appeal, actor: User, upheld: bool, decision: str) -> Appeal:
    """The panel chair records the panel's decision; setting the conclusion aside reopens the
    case through the one transition service (a new clock, the conclusion no longer current)."""
    locked = _lock(appeal.case)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if not appeal.panel.filter(user=actor, is_chair=True).exists():
        raise AccessDenied(_("Only the chair of the appeal panel may record its decision."))
    if appeal.status not in {Appeal.Status.LODGED, Appeal.Status.HEARING}:
        raise DomainError(_("Appeal: already decided."))
    size = appeal.panel.count()
    if size < MIN_PANEL:
        raise DomainError(
            _("Panel: at least %(min)d reviewers are needed (now %(count)d).")
            % {"min": MIN_PANEL, "count": size}
        )
    if not decision.strip():
        raise DomainError(_("Decision: write the panel's decision."), field="decision")
    appeal.status = Appeal.Status.UPHELD if upheld else Appeal.Status.OVERTURNED
    appeal.decision = decision.strip()
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    appeal.save(update_fields=["status", "decision", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="vetting.appeal.decide",
        target=locked,
        org_unit=locked.holding_unit,
        data={"appeal": appeal.pk, "new": {"status": appeal.status}},
    )
    if not upheld:
        services.case_transition(
            case=locked,
            to=Status.VERIFYING,
            actor=actor,
            reason=_("Appeal upheld by the panel: %(decision)s") % {"decision": appeal.decision},
            by_appeal=True,
        )
    _notify(locked, CaseNotification.Kind.APPEAL, f"appeal-decided:{appeal.pk}")
    return appeal
