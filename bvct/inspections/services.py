"""Inspections: every write is one function — check `policy` and the rules, write, audit.

Who does what: officers and approvers of the inspecting node plan; its approvers approve the plan,
issue the decision with the team, and approve the result notice; the team (inspector role) sends
the outline, comments, holds sessions and records findings and remediation items; the unit's
designated contacts answer the outline, submit versions and report remediation done."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import RoleCode, User
from bvct.audit.services import audit_record
from bvct.core.errors import AccessDenied, DomainError
from bvct.inspections import scoring
from bvct.inspections.models import (
    Answer,
    Comment,
    Finding,
    Inspection,
    InspectionDocument,
    InspectionPlan,
    OutlineTemplate,
    OutlineTemplateSection,
    RemediationItem,
    ReportVersion,
    ResultNotice,
    Section,
    TeamMember,
    UnitContact,
    WorkingSession,
)
from bvct.orgs.models import OrgUnit
from bvct.people.models import Person
from bvct.vetting import documents, numbering
from bvct.vetting.docx import PartyDocument, _parent_name, place_of, render, signature_for
from bvct.vetting.storage import read_blob, write_blob
from bvct.workdays.calendar import add_working_days

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ST = Inspection.Status
MAX_REMEDIATION_DAYS = 250


def _audit(actor: User | None, action: str, target: object, unit: OrgUnit, **data: object) -> None:
    audit_record(actor=actor, action=action, target=target, org_unit=unit, data=data or None)  # type: ignore[arg-type]


def store_document(  # noqa: PLR0917 (one call shape for every stored file)
    inspection: Inspection,
    actor: User,
    kind: str,
    title: str,
    name: str,
    content_type: str,
    data: bytes,
) -> InspectionDocument:
    storage_name, sha256 = write_blob(f"inspection-{inspection.pk}", data)
    return InspectionDocument.objects.create(
        inspection=inspection,
        kind=kind,
        title=title[:255],
        original_name=name[:255],
        content_type=content_type,
        size=len(data),
        sha256=sha256,
        storage_name=storage_name,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )


def read_document(*, document: InspectionDocument, actor: User) -> bytes:
    data = read_blob(document.storage_name, document.sha256)
    _audit(
        actor,
        "inspections.document.read",
        document.inspection,
        document.inspection.unit,
        document=document.pk,
    )
    return data


def _locked(inspection: Inspection) -> Inspection:
    return (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("plan__org_unit", "unit")
        .get(pk=inspection.pk)
    )


# --- plan ---------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor: User, year: int, title: str, topics: str) -> InspectionPlan:
    if not policy.can_plan_inspections(actor) or actor.org_unit is None:
        raise AccessDenied(_("Only officers and approvers plan inspections."))
    if not title.strip() or not topics.strip():
        raise DomainError(_("Title and content topics: both are required."), field="title")
    if InspectionPlan.objects.filter(
        org_unit=actor.org_unit, year=year, title=title.strip()
    ).exists():
        raise DomainError(
            _("Title: a plan with this title already exists for the year."), field="title"
        )
    plan = InspectionPlan.objects.create(
        org_unit=actor.org_unit,
        year=year,
        title=title.strip(),
        topics=topics.strip(),
        created_by=actor,
        created_at=timezone.now(),
    )
    _audit(actor, "inspections.plan.create", plan, plan.org_unit, year=year)
    return plan


@transaction.atomic
def plan_add_unit(
    *,
    actor: User,
    plan: InspectionPlan,
    unit: OrgUnit,
    starts_on: dt.date,
    ends_on: dt.date,
    topics: str = "",
) -> Inspection:
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if not policy.can_manage_plan(actor, plan):
        raise AccessDenied(_("You may not change this plan."))
    if plan.status != InspectionPlan.Status.DRAFT:
        raise DomainError(_("The plan is approved; it can no longer change."))
    if unit.pk == plan.org_unit_id or not plan.org_unit.contains(unit):
        raise DomainError(
            _("Unit: %(unit)s is not under %(node)s.")
            % {"unit": unit.name, "node": plan.org_unit.name},
            field="unit",
        )
    if ends_on < starts_on or starts_on.year != plan.year:
        raise DomainError(
            _("Dates: within the plan's year, the end not before the start."), field="starts_on"
        )
    if Inspection.objects.filter(plan=plan, unit=unit).exists():
        raise DomainError(_("Unit: already in this plan."), field="unit")
    inspection = Inspection.objects.create(
        plan=plan, unit=unit, starts_on=starts_on, ends_on=ends_on, topics=topics.strip()
    )
    _audit(actor, "inspections.plan.add_unit", inspection, plan.org_unit, inspected=unit.pk)
    return inspection


@transaction.atomic
def plan_approve(*, actor: User, plan: InspectionPlan) -> InspectionPlan:
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if not (policy.can_manage_plan(actor, plan) and actor.has_role(RoleCode.APPROVER)):
        raise AccessDenied(_("Only an approver of the inspecting unit approves the plan."))
    if plan.status != InspectionPlan.Status.DRAFT or not plan.inspections.exists():
        raise DomainError(_("Only a draft plan with at least one unit can be approved."))
    plan.status = InspectionPlan.Status.APPROVED
    plan.approved_by = actor
    plan.approved_at = timezone.now()
    plan.save()
    _audit(actor, "inspections.plan.approve", plan, plan.org_unit)
    return plan


# --- decision and team --------------------------------------------------------------------------


def team_conflict(user: User, unit: OrgUnit, node: OrgUnit) -> str | None:
    """Why `user` may not sit on the team that `node` sends to inspect `unit` (None: they may)."""
    if not user.has_role(RoleCode.INSPECTOR):
        return _("%(name)s does not have the inspector role.") % {"name": user}
    if user.org_unit is None or not node.contains(user.org_unit):
        return _("%(name)s does not belong to the inspecting unit.") % {"name": user}
    if unit.contains(user.org_unit):
        return _("%(name)s belongs to the inspected unit.") % {"name": user}
    return None


@transaction.atomic
def decision_issue(
    *, actor: User, inspection: Inspection, team: list[tuple[User, str]]
) -> Inspection:
    """The decision setting up the team: numbered "QĐ" by the inspecting unit, DOCX."""
    locked = _locked(inspection)
    plan = locked.plan
    if not (policy.can_manage_plan(actor, plan) and actor.has_role(RoleCode.APPROVER)):
        raise AccessDenied(_("Only an approver of the inspecting unit issues the decision."))
    if plan.status != InspectionPlan.Status.APPROVED or locked.status != ST.PLANNED:
        raise DomainError(_("The decision needs an approved plan and is issued once."))
    heads = [user for user, role in team if role == TeamMember.Role.HEAD]
    if len(heads) != 1:
        raise DomainError(_("Team: exactly one team head."), field="team")
    for user, _role in team:
        reason = team_conflict(user, locked.unit, plan.org_unit)
        if reason:
            raise DomainError(_("Team: %(reason)s") % {"reason": reason}, field="team")
    day = timezone.localdate()
    number, _term = numbering.next_number(issuing_unit=plan.org_unit, doc_type="QĐ", day=day)
    locked.decision_reference = numbering.reference(number, "QĐ", plan.org_unit)
    locked.decided_on = day
    locked.status = ST.DECIDED
    locked.save()
    for user, role in team:
        TeamMember.objects.create(inspection=locked, user=user, role=role)
    body = [
        (f"Căn cứ {plan.title} năm {plan.year} của {plan.org_unit.name},", False),
        ("QUYẾT ĐỊNH:", True),
        (
            f"Điều 1. Kiểm tra công tác bảo vệ chính trị nội bộ tại {locked.unit.name}, "
            f"từ ngày {locked.starts_on:%d/%m/%Y} đến ngày {locked.ends_on:%d/%m/%Y}.",
            False,
        ),
        (f"Nội dung: {locked.topics or plan.topics}", False),
        ("Điều 2. Thành lập Đoàn kiểm tra gồm:", False),
        *[
            (f"- {u.full_name or u.get_username()}: {TeamMember.Role(r).label}", False)
            for u, r in team
        ],
        (
            "Điều 3. Đoàn kiểm tra và đơn vị được kiểm tra chịu trách nhiệm thi hành "
            "Quyết định này.",
            False,
        ),
    ]
    data = render(
        PartyDocument(
            superior=_parent_name(plan.org_unit),
            issuer=plan.org_unit.name,
            reference=locked.decision_reference,
            place=place_of(plan.org_unit),
            day=day,
            doc_type="QUYẾT ĐỊNH",
            summary=f"về việc kiểm tra {locked.unit.name}",
            body=body,
            signature=signature_for(plan.org_unit),
            signer_name=actor.full_name or actor.get_username(),
            recipients=[locked.unit.name, "Đoàn kiểm tra", "Lưu"],
        )
    )
    name = f"{locked.decision_reference.removeprefix('Số ').replace('/', '-')}.docx"
    store_document(
        locked, actor, InspectionDocument.Kind.DECISION, locked.decision_reference, name, DOCX, data
    )
    _audit(
        actor,
        "inspections.decision.issue",
        locked,
        plan.org_unit,
        reference=locked.decision_reference,
        team=[u.pk for u, _r in team],
    )
    return locked


@transaction.atomic
def contact_add(*, actor: User, inspection: Inspection, user: User) -> UnitContact:
    locked = _locked(inspection)
    if not policy.can_lead_inspection(actor, locked):
        raise AccessDenied(_("Only the team or the inspecting unit designates contacts."))
    if user.org_unit is None or not locked.unit.contains(user.org_unit):
        raise DomainError(_("Contact: must belong to the inspected unit."), field="user")
    contact, _created = UnitContact.objects.get_or_create(inspection=locked, user=user)
    _audit(actor, "inspections.contact.add", locked, locked.unit, user=user.pk)
    return contact


@transaction.atomic
def template_create(*, actor: User, title: str, sections: str) -> OutlineTemplate:
    """A reusable outline of the actor's node: one section per line, "Title | questions"."""
    if not policy.can_plan_inspections(actor) or actor.org_unit is None:
        raise AccessDenied(_("Only officers and approvers keep outline templates."))
    lines = [line.strip() for line in sections.splitlines() if line.strip()]
    if not title.strip() or not lines:
        raise DomainError(
            _("Template: a title and at least one section (one per line)."), field="sections"
        )
    template = OutlineTemplate.objects.create(
        org_unit=actor.org_unit, title=title.strip(), created_by=actor
    )
    for position, line in enumerate(lines, start=1):
        heading, _sep, questions = line.partition("|")
        OutlineTemplateSection.objects.create(
            template=template, position=position, title=heading.strip(), questions=questions.strip()
        )
    _audit(actor, "inspections.template.create", template, actor.org_unit, sections=len(lines))
    return template


# --- outline and self-report --------------------------------------------------------------------


@transaction.atomic
def outline_send(*, actor: User, inspection: Inspection, template: OutlineTemplate) -> Inspection:
    locked = _locked(inspection)
    if not policy.can_lead_inspection(actor, locked):
        raise AccessDenied(_("Only the team sends the outline."))
    if locked.status != ST.DECIDED:
        raise DomainError(_("The outline is sent once, after the decision."))
    rows = list(template.sections.all())
    if not rows:
        raise DomainError(_("Outline: the template has no section."), field="template")
    for row in rows:
        Section.objects.create(
            inspection=locked, position=row.position, title=row.title, questions=row.questions
        )
    locked.outline_sent_on = timezone.localdate()
    locked.status = ST.IN_PROGRESS
    locked.save(update_fields=["outline_sent_on", "status"])
    _audit(actor, "inspections.outline.send", locked, locked.unit, template=template.pk)
    return locked


def _draft(locked: Inspection, actor: User) -> ReportVersion:
    draft = locked.versions.filter(status=ReportVersion.Status.DRAFT).first()
    if draft is not None:
        return draft
    last = locked.versions.order_by("-number").first()
    draft = ReportVersion.objects.create(
        inspection=locked,
        number=(last.number + 1) if last else 1,
        created_by=actor,
        created_at=timezone.now(),
    )
    previous = {a.section_id: a.text for a in last.answers.all()} if last else {}
    for section in locked.sections.all():
        Answer.objects.create(version=draft, section=section, text=previous.get(section.pk, ""))
    return draft


@transaction.atomic
def report_save(*, actor: User, inspection: Inspection, answers: dict[int, str]) -> ReportVersion:
    """Save the unit's draft (a new draft starts from the last submitted version)."""
    locked = _locked(inspection)
    if not policy.is_unit_contact(actor, locked):
        raise AccessDenied(_("Only the unit's designated contacts write its report."))
    if locked.status != ST.IN_PROGRESS:
        raise DomainError(_("The report can be written only while the inspection is in progress."))
    draft = _draft(locked, actor)
    sections = {s.pk for s in locked.sections.all()}
    unknown = set(answers) - sections
    if unknown:
        raise DomainError(_("Report: a section does not belong to this outline."), field="answers")
    for section_id, text in answers.items():
        Answer.objects.filter(version=draft, section_id=section_id).update(text=text.strip())
    _audit(actor, "inspections.report.save", locked, locked.unit, version=draft.number)
    return draft


@transaction.atomic
def report_submit(*, actor: User, inspection: Inspection) -> ReportVersion:
    locked = _locked(inspection)
    if not policy.is_unit_contact(actor, locked):
        raise AccessDenied(_("Only the unit's designated contacts submit its report."))
    draft = locked.versions.filter(status=ReportVersion.Status.DRAFT).first()
    if draft is None:
        raise DomainError(_("Report: there is no draft to submit."))
    empty = [a.section.title for a in draft.answers.select_related("section") if not a.text.strip()]
    if empty:
        raise DomainError(
            _("Report: answer every section first (%(sections)s).")
            % {"sections": ", ".join(empty)},
            field="answers",
        )
    draft.status = ReportVersion.Status.SUBMITTED
    draft.submitted_by = actor
    draft.submitted_at = timezone.now()
    draft.save()
    _audit(actor, "inspections.report.submit", locked, locked.unit, version=draft.number)
    return draft


@transaction.atomic
def comment_add(*, actor: User, version: ReportVersion, section: Section, text: str) -> Comment:
    locked = _locked(version.inspection)
    if not policy.is_team_member(actor, locked):
        raise AccessDenied(_("Only the team comments on the report."))
    if version.status != ReportVersion.Status.SUBMITTED or section.inspection_id != locked.pk:
        raise DomainError(_("Comments go on a section of a submitted version."))
    if not text.strip():
        raise DomainError(_("Comment: write it."), field="text")
    comment = Comment.objects.create(
        version=version, section=section, author=actor, text=text.strip(), created_at=timezone.now()
    )
    _audit(actor, "inspections.report.comment", locked, locked.unit, version=version.number)
    return comment


@dataclass(frozen=True)
class SectionDiff:
    section: Section
    lines: list[str]  # unified diff lines; empty when unchanged


def report_diff(old: ReportVersion, new: ReportVersion) -> list[SectionDiff]:
    before = {a.section_id: a.text for a in old.answers.all()}
    after = {a.section_id: a.text for a in new.answers.all()}
    result = []
    for section in new.inspection.sections.all():
        lines = list(
            difflib.unified_diff(
                before.get(section.pk, "").splitlines(),
                after.get(section.pk, "").splitlines(),
                fromfile=f"v{old.number}",
                tofile=f"v{new.number}",
                lineterm="",
            )
        )
        result.append(SectionDiff(section, lines))
    return result


# --- sessions, findings, notice, remediation ----------------------------------------------------


def _team_or_lead(actor: User, locked: Inspection, message: str) -> None:
    if not (policy.is_team_member(actor, locked) or policy.can_lead_inspection(actor, locked)):
        raise AccessDenied(message)


@transaction.atomic
def session_record(
    *,
    actor: User,
    inspection: Inspection,
    held_on: dt.date,
    place: str,
    attendees: str,
    minutes: str,
) -> WorkingSession:
    locked = _locked(inspection)
    _team_or_lead(actor, locked, _("Only the team records working sessions."))
    if not (place.strip() and attendees.strip() and minutes.strip()):
        raise DomainError(_("Session: place, attendees and minutes are required."), field="minutes")
    if held_on > timezone.localdate():
        raise DomainError(_("Date: the session cannot be in the future."), field="held_on")
    session = WorkingSession.objects.create(
        inspection=locked,
        held_on=held_on,
        place=place.strip(),
        attendees=attendees.strip(),
        minutes=minutes.strip(),
        recorded_by=actor,
    )
    _audit(actor, "inspections.session.record", locked, locked.unit, session=session.pk)
    return session


@transaction.atomic
def finding_add(
    *,
    actor: User,
    inspection: Inspection,
    grade: str,
    extent: str,
    text: str,
    evidence: tuple[str, bytes] | None = None,
    person: Person | None = None,
) -> Finding:
    locked = _locked(inspection)
    if not policy.is_team_member(actor, locked):
        raise AccessDenied(_("Only the team records findings."))
    if locked.status != ST.IN_PROGRESS:
        raise DomainError(_("Findings are recorded while the inspection is in progress."))
    if grade not in Finding.Grade.values or extent not in Finding.Extent.values:
        raise DomainError(
            _("Finding: choose the grade and whether it is isolated or systemic."), field="grade"
        )
    if not text.strip():
        raise DomainError(_("Finding: describe it."), field="text")
    if person is not None and not locked.unit.contains(person.org_unit):
        raise DomainError(_("Person: not managed by the inspected unit."), field="person")
    document = None
    if evidence is not None:
        clean, content_type = documents.validate_upload(*evidence)
        document = store_document(
            locked, actor, InspectionDocument.Kind.EVIDENCE, clean, clean, content_type, evidence[1]
        )
    finding = Finding.objects.create(
        inspection=locked,
        grade=grade,
        extent=extent,
        text=text.strip(),
        evidence=document,
        person=person,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    _audit(actor, "inspections.finding.add", locked, locked.unit, grade=grade, extent=extent)
    return finding


@transaction.atomic
def finding_open_case(*, actor: User, finding: Finding, case_type: str, subject_matter: str):  # type: ignore[no-untyped-def]
    """Open a personnel case for the person a finding names (through the case service)."""
    from bvct.vetting import services as cases  # noqa: PLC0415

    if finding.person is None:
        raise DomainError(_("This finding names no person."))
    if finding.case_id is not None:
        raise DomainError(_("A case was already opened from this finding."))
    case = cases.case_open(
        actor=actor, person=finding.person, case_type=case_type, subject_matter=subject_matter
    )
    finding.case = case
    finding.save(update_fields=["case"])
    _audit(
        actor,
        "inspections.finding.open_case",
        finding.inspection,
        finding.inspection.unit,
        case=case.pk,
    )
    return case


@transaction.atomic
def notice_issue(*, actor: User, inspection: Inspection, text: str) -> ResultNotice:
    """The result notice: approved by an approver of the inspecting unit, numbered "TB", scored."""
    locked = _locked(inspection)
    plan = locked.plan
    if not (policy.can_manage_plan(actor, plan) and actor.has_role(RoleCode.APPROVER)):
        raise AccessDenied(_("Only an approver of the inspecting unit approves the result notice."))
    if locked.status != ST.IN_PROGRESS:
        raise DomainError(_("The result notice follows the examination, once."))
    if not locked.versions.filter(status=ReportVersion.Status.SUBMITTED).exists():
        raise DomainError(_("The unit has not submitted its self-report yet."))
    if not text.strip():
        raise DomainError(_("Content: write the conclusions of the inspection."), field="text")
    day = timezone.localdate()
    findings = list(locked.findings.all())
    score = scoring.compute([(f.grade, f.extent) for f in findings], scoring.params_on(day))
    number, _term = numbering.next_number(issuing_unit=plan.org_unit, doc_type="TB", day=day)
    reference = numbering.reference(number, "TB", plan.org_unit)
    body = [
        (
            f"Thực hiện {locked.decision_reference} ngày {locked.decided_on:%d/%m/%Y}, "
            f"Đoàn kiểm tra đã kiểm tra công tác bảo vệ chính trị nội bộ tại {locked.unit.name}.",
            False,
        ),
        *[(line, False) for line in text.strip().splitlines() if line.strip()],
        ("Các nội dung đã kiểm tra:", True),
        *[
            (
                f"- {Finding.Grade(f.grade).label} "
                f"({Finding.Extent(f.extent).label.lower()}): {f.text}",
                False,
            )
            for f in findings
        ],
        (f"Kết quả chấm điểm: {score.score} điểm, xếp loại {score.label.lower()}.", True),
    ]
    data = render(
        PartyDocument(
            superior=_parent_name(plan.org_unit),
            issuer=plan.org_unit.name,
            reference=reference,
            place=place_of(plan.org_unit),
            day=day,
            doc_type="THÔNG BÁO",
            summary=f"kết quả kiểm tra tại {locked.unit.name}",
            body=body,
            signature=signature_for(plan.org_unit),
            signer_name=actor.full_name or actor.get_username(),
            recipients=[locked.unit.name, "Lưu"],
        )
    )
    name = f"{reference.removeprefix('Số ').replace('/', '-')}.docx"
    document = store_document(
        locked, actor, InspectionDocument.Kind.NOTICE, reference, name, DOCX, data
    )
    notice = ResultNotice.objects.create(
        inspection=locked,
        text=text.strip(),
        reference=reference,
        approved_by=actor,
        issued_on=day,
        document=document,
        score=score.score,
        rating=score.rating,
    )
    locked.status = ST.NOTIFIED
    locked.save(update_fields=["status"])
    _audit(
        actor,
        "inspections.notice.issue",
        locked,
        plan.org_unit,
        reference=reference,
        score=score.score,
        rating=score.rating,
    )
    return notice


@transaction.atomic
def remediation_add(
    *,
    actor: User,
    inspection: Inspection,
    text: str,
    owner: User,
    working_days: int,
    finding: Finding | None = None,
) -> RemediationItem:
    locked = _locked(inspection)
    _team_or_lead(actor, locked, _("Only the team or the inspecting unit sets remediation items."))
    if locked.status not in {ST.IN_PROGRESS, ST.NOTIFIED}:
        raise DomainError(_("Remediation items belong to an inspection in progress or notified."))
    if owner.org_unit is None or not locked.unit.contains(owner.org_unit):
        raise DomainError(_("Owner: must belong to the inspected unit."), field="owner")
    if not 1 <= working_days <= MAX_REMEDIATION_DAYS:
        raise DomainError(_("Due in: between 1 and 250 working days."), field="working_days")
    if not text.strip():
        raise DomainError(_("Remediation: say what must be done."), field="text")
    if finding is not None and finding.inspection_id != locked.pk:
        raise DomainError(_("Finding: not of this inspection."), field="finding")
    item = RemediationItem.objects.create(
        inspection=locked,
        finding=finding,
        text=text.strip(),
        owner=owner,
        due_on=add_working_days(timezone.localdate(), working_days),
        created_by=actor,
    )
    _audit(
        actor,
        "inspections.remediation.add",
        locked,
        locked.unit,
        item=item.pk,
        due_on=f"{item.due_on:%Y-%m-%d}",
    )
    return item


@transaction.atomic
def remediation_done(
    *, actor: User, item: RemediationItem, evidence: tuple[str, bytes], note: str = ""
) -> RemediationItem:
    item = RemediationItem.objects.select_for_update().get(pk=item.pk)
    locked = _locked(item.inspection)
    if not (item.owner_id == actor.pk or policy.is_unit_contact(actor, locked)):
        raise AccessDenied(_("Only the owner or the unit's contacts report an item done."))
    if item.status != RemediationItem.Status.OPEN:
        raise DomainError(_("This item is already closed."))
    clean, content_type = documents.validate_upload(*evidence)
    item.evidence = store_document(
        locked, actor, InspectionDocument.Kind.EVIDENCE, clean, clean, content_type, evidence[1]
    )
    item.status = RemediationItem.Status.DONE
    item.closing_note = note.strip()
    item.closed_on = timezone.localdate()
    item.save()
    _audit(actor, "inspections.remediation.done", locked, locked.unit, item=item.pk)
    return item


@transaction.atomic
def remediation_waive(*, actor: User, item: RemediationItem, reason: str) -> RemediationItem:
    item = RemediationItem.objects.select_for_update().get(pk=item.pk)
    locked = _locked(item.inspection)
    if not (policy.can_manage_plan(actor, locked.plan) and actor.has_role(RoleCode.APPROVER)):
        raise AccessDenied(_("Only an approver of the inspecting unit waives an item."))
    if item.status != RemediationItem.Status.OPEN:
        raise DomainError(_("This item is already closed."))
    if not reason.strip():
        raise DomainError(_("Reason: say why the item is waived."), field="reason")
    item.status = RemediationItem.Status.WAIVED
    item.closing_note = reason.strip()
    item.closed_on = timezone.localdate()
    item.save()
    _audit(actor, "inspections.remediation.waive", locked, locked.unit, item=item.pk)
    return item


@transaction.atomic
def inspection_close(*, actor: User, inspection: Inspection) -> Inspection:
    locked = _locked(inspection)
    if not policy.can_lead_inspection(actor, locked):
        raise AccessDenied(_("Only the inspecting unit closes the inspection."))
    if locked.status != ST.NOTIFIED:
        raise DomainError(_("An inspection closes after its result notice."))
    still_open = locked.remediation.filter(status=RemediationItem.Status.OPEN).count()
    if still_open:
        raise DomainError(
            _("%(count)d remediation item(s) are still open: close or waive them first.")
            % {"count": still_open}
        )
    locked.status = ST.CLOSED
    locked.closed_on = timezone.localdate()
    locked.save(update_fields=["status", "closed_on"])
    _audit(actor, "inspections.close", locked, locked.plan.org_unit)
    return locked


def overdue_items(today: dt.date | None = None):  # type: ignore[no-untyped-def]
    day = today or timezone.localdate()
    return RemediationItem.objects.filter(status=RemediationItem.Status.OPEN, due_on__lt=day)
