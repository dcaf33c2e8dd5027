"""Case documents: validated uploads (`bvct.core.uploads`: allow-list, magic bytes, size and ZIP
caps) and working-session minutes. The bytes go through `storage.store_file` (outside every
public path, with size and SHA-256); downloads are served only by `views_documents`.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.audit.services import audit_record
from bvct.core import uploads
from bvct.core.errors import AccessDenied, DomainError
from bvct.vetting import storage, workflow
from bvct.vetting.locks import case_qs_for_update
from bvct.vetting.models import Case, CaseDocument, ChecklistMark, WorkingSession

# The upload checks live in one place for every upload path (`bvct.core.uploads`).
clean_name = uploads.clean_name
read_limited = uploads.read_limited
validate_upload = uploads.validate_upload


def _locked_workable(case: Case, actor: User) -> Case:
    locked = case_qs_for_update().select_related("holding_unit").get(pk=case.pk)
    if not policy.can_work_case(actor, locked):
        raise AccessDenied(_("You may not work on this case."))
    if not locked.is_open:
        raise DomainError(_("This case is closed."))
    return locked


@transaction.atomic
def document_upload(
    *,
    case: Case,
    actor: User,
    title: str,
    name: str,
    data: bytes,
    checklist_code: str = "",
    visible_to_subject: bool = False,
) -> CaseDocument:
    """Keep an uploaded attachment with the case; an upload that names a required document not
    yet marked also marks it received."""
    locked = _locked_workable(case, actor)
    clean, content_type = validate_upload(name, data)
    text = title.strip() or clean
    code = checklist_code.strip()
    marked = False
    if code:
        codes = {item.code for item in workflow.spec_for(locked.case_type).checklist}
        if code not in codes:
            raise DomainError(
                _("Required document: no such document for this case type."),
                field="checklist_code",
            )
        if not ChecklistMark.objects.filter(case=locked, code=code).exists():
            ChecklistMark.objects.create(
                case=locked, code=code, marked_by=actor, marked_at=timezone.now()
            )
            marked = True
    document = storage.store_file(
        case=locked,
        actor=actor,
        kind=CaseDocument.Kind.ATTACHMENT,
        title=text,
        original_name=clean,
        content_type=content_type,
        data=data,
        visible_to_subject=visible_to_subject,
        checklist_code=code,
    )
    audit_record(
        actor=actor,
        action="vetting.document.upload",
        target=locked,
        org_unit=locked.holding_unit,
        data={
            "document": document.pk,
            "size": document.size,
            "sha256": document.sha256,
            "checklist_code": code,
            "checklist_marked": marked,
            "visible_to_subject": visible_to_subject,
        },
    )
    return document


@transaction.atomic
def session_record(
    *,
    case: Case,
    actor: User,
    held_on: dt.date,
    place: str,
    attendees: str,
    minutes: str,
) -> WorkingSession:
    """Record a working session (buổi làm việc) with its attendees and minutes."""
    locked = _locked_workable(case, actor)
    place_text = place.strip()
    people = "\n".join(line.strip() for line in attendees.splitlines() if line.strip())
    text = minutes.strip()
    if not place_text:
        raise DomainError(_("Place: write where the session was held."), field="place")
    if not people:
        raise DomainError(_("Attendees: write at least one person."), field="attendees")
    if not text:
        raise DomainError(_("Minutes: write what was discussed."), field="minutes")
    if held_on > timezone.localdate():
        raise DomainError(_("Date: the session cannot be in the future."), field="held_on")
    session = WorkingSession.objects.create(
        case=locked,
        held_on=held_on,
        place=place_text[:255],
        attendees=people,
        minutes=text,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="vetting.session.record",
        target=locked,
        org_unit=locked.holding_unit,
        data={"session": session.pk, "held_on": held_on.isoformat()},
    )
    return session


def document_read(*, document: CaseDocument, actor: User) -> bytes:
    """The checked bytes of a document the caller already fetched through a scoped queryset;
    the read is audited."""
    data = storage.read_file(document)
    audit_record(
        actor=actor,
        action="vetting.document.read",
        target=document.case,
        org_unit=document.case.holding_unit,
        data={"document": document.pk},
    )
    return data
