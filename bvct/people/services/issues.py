"""Recorded issues: status table and the three-identifier rule for verification replies."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.audit.services import audit_record
from bvct.core.errors import AccessDenied, DomainError
from bvct.people import workflow
from bvct.people.identity import (
    ReplyIdentifiers,
    reply_matched_keys,
)
from bvct.people.models import Person, RecordedIssue, Relative
from bvct.people.services.common import _check_classification, _full_clean

VERIFICATION_MIN_KEYS = 3


def _issue_person(actor: User, person: Person) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not policy.can_edit_issues(actor, person) or person.merged_into_id is not None:
        raise AccessDenied(_("You may not record issues on this dossier."))
    return person


def _check_reply(
    person: Person, relative: Relative | None, identifiers: ReplyIdentifiers | None
) -> tuple[str, ...]:
    """The three-identifier rule for facts from a verification reply."""
    if identifiers is None:
        raise DomainError(
            _("A fact from a verification reply needs the identifiers the reply gives."),
            field="reply_identifiers",
        )
    matched = reply_matched_keys(relative if relative is not None else person, identifiers)
    if len(matched) < VERIFICATION_MIN_KEYS:
        raise DomainError(
            _(
                "The verification reply matches only %(count)d identifier(s) of this person "
                "(at least 3 of name, date of birth, CCCD, hometown are needed); the fact was not "
                "attached."
            )
            % {"count": len(matched)},
            field="reply_identifiers",
            code="identity_mismatch",
        )
    return matched


@transaction.atomic
def issue_create(
    *,
    actor: User,
    person: Person,
    family: str,
    source: str,
    summary: str,
    relative: Relative | None = None,
    classification: int = 1,
    reply_identifiers: ReplyIdentifiers | None = None,
) -> RecordedIssue:
    """Record an issue on the person or one of their relatives. A fact from a verification reply
    attaches only when at least three identifiers of the reply match (see `_check_reply`)."""
    person = _issue_person(actor, person)
    if relative is not None and relative.person_id != person.pk:
        raise DomainError(_("Relative: not a relative of this person."), field="relative")
    _check_classification(actor, classification)
    matched: tuple[str, ...] = ()
    if source == RecordedIssue.Source.VERIFICATION_REPLY:
        matched = _check_reply(person, relative, reply_identifiers)
    issue = RecordedIssue(
        person=person,
        relative=relative,
        family=family,
        source=source,
        summary=summary.strip(),
        classification=classification,
        created_by=actor,
    )
    _full_clean(issue)
    issue.save()
    audit_record(
        actor=actor,
        action="people.issue.create",
        target=issue,
        org_unit=person.org_unit,
        data={
            "person": person.pk,
            "relative": relative.pk if relative else None,
            "family": family,
            "source": source,
            "classification": classification,
            "matched_identifiers": list(matched),
        },
    )
    return issue


@transaction.atomic
def attach_verification_fact(
    *,
    actor: User,
    person: Person,
    identifiers: ReplyIdentifiers,
    family: str,
    summary: str,
    relative: Relative | None = None,
    classification: int = 1,
) -> RecordedIssue:
    """A fact from a verification reply, recorded as an issue only if ≥3 identifiers match."""
    return issue_create(
        actor=actor,
        person=person,
        relative=relative,
        family=family,
        source=RecordedIssue.Source.VERIFICATION_REPLY,
        summary=summary,
        classification=classification,
        reply_identifiers=identifiers,
    )


@transaction.atomic
def issue_set_status(
    *,
    actor: User,
    issue: RecordedIssue,
    status: str,
    conclusion_reference: str = "",
    concluded_on: datetime.date | None = None,
) -> RecordedIssue:
    """declared → under verification → concluded; concluding needs the concluding document."""
    _issue_person(actor, issue.person)
    issue = RecordedIssue.objects.select_for_update().get(pk=issue.pk)
    if issue.classification > actor.clearance:
        raise AccessDenied(_("You may not change this issue."))
    if status not in workflow.allowed_next(issue.status):
        raise DomainError(
            _("Status: an issue that is “%(old)s” cannot become “%(new)s”.")
            % {
                "old": RecordedIssue.Status(issue.status).label,
                "new": dict(RecordedIssue.Status.choices).get(status, status),
            },
            field="status",
        )
    reference = conclusion_reference.strip()
    if status == RecordedIssue.Status.CONCLUDED:
        if not reference:
            raise DomainError(
                _("Concluding document: required to conclude an issue (number and date)."),
                field="conclusion_reference",
            )
        issue.conclusion_reference = reference
        issue.concluded_on = concluded_on or timezone.localdate()
    old = issue.status
    issue.status = status
    _full_clean(issue)
    issue.save(update_fields=["status", "conclusion_reference", "concluded_on", "updated_at"])
    audit_record(
        actor=actor,
        action="people.issue.status",
        target=issue,
        org_unit=issue.person.org_unit,
        data={"person": issue.person_id, "old": {"status": old}, "new": {"status": status}},
    )
    return issue
