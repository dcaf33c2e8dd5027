"""Writes to lý lịch versions: start a draft, update one section, submit. Each is audited.

Who may write a draft depends on how it is entered: a portal draft only by the member whose record
it is (`policy.can_self_declare`), a paper draft only by staff who keep the dossier
(`policy.can_enter_declaration`). A submitted version is never written again (and the database
refuses it too, see models).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.audit.services import audit_record
from bvct.core.errors import AccessDenied, DomainError
from bvct.declarations.compare import SectionDiff, compare_content
from bvct.declarations.linter import Finding, LinterConfig, Severity, blocking, lint
from bvct.declarations.models import Declaration
from bvct.declarations.schema import (
    PERSONAL,
    SECTION_BY_KEY,
    SchemaError,
    empty_content,
    validate_content,
    validate_section,
)
from bvct.people.models import DatePrecision, Person

Channel = Declaration.Channel
Status = Declaration.Status


class DeclarationInvalidError(DomainError):
    """The data of a section does not fit the form; `errors` name section, row and field."""

    def __init__(self, errors: list[SchemaError]) -> None:
        super().__init__(" ".join(e.message for e in errors), code="invalid_content")
        self.errors = errors


class DeclarationRefusedError(DomainError):
    """Submission refused: the linter found problems that must be fixed first."""

    def __init__(self, findings: list[Finding]) -> None:
        message = _("Not submitted: fix these problems first.")
        super().__init__(message, code="linter_refused")
        self.findings = findings


def linter_config() -> LinterConfig:
    return LinterConfig(max_gap_months=getattr(settings, "BVCT_DECLARATION_MAX_GAP_MONTHS", 3))


def declaration_lint(declaration: Declaration, *, today: dt.date | None = None) -> list[Finding]:
    """The linter's findings on a version's current content (a read: nothing is stored)."""
    return lint(declaration.content, today=today or timezone.localdate(), config=linter_config())


def declaration_compare(*, a: Declaration, b: Declaration) -> list[SectionDiff]:
    """What changed from version `a` to version `b` (a read; both already fetched in scope)."""
    return compare_content(a.content, b.content)


def _check_may_write(actor: User, person: Person, channel: str) -> None:
    allowed = (
        policy.can_self_declare(actor, person)
        if channel == Channel.PORTAL
        else policy.can_enter_declaration(actor, person)
    )
    if not allowed:
        raise AccessDenied(_("You may not write this lý lịch."))


def _check_draft(declaration: Declaration) -> None:
    if not declaration.is_draft:
        raise DomainError(
            _(
                "Version %(number)d has been submitted and can no longer be changed. Start a new "
                "version to correct it."
            )
            % {"number": declaration.number},
            code="submitted",
        )


def initial_content(person: Person) -> dict[str, Any]:
    """A first version: empty sections, personal details filled from the person's record."""
    content = empty_content()
    personal = content[PERSONAL.key]
    personal["full_name"] = person.full_name
    personal["sex"] = person.sex
    if person.birth_date is not None and person.birth_precision == DatePrecision.DAY:
        personal["birth_date"] = person.birth_date.isoformat()
    personal["hometown"] = person.hometown_text
    personal["residence"] = person.residence_text
    return content


@transaction.atomic
def declaration_start(*, person: Person, channel: str, actor: User) -> Declaration:
    """A new draft version, copying the latest submitted version (or the person's record)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    _check_may_write(actor, person, channel)
    versions = Declaration.objects.filter(person=person)
    draft = versions.filter(status=Status.DRAFT).first()
    if draft is not None:
        raise DomainError(
            _("Version %(number)d is still a draft: finish and submit it first.")
            % {"number": draft.number},
            code="draft_exists",
        )
    latest = versions.filter(status=Status.SUBMITTED).order_by("-number").first()
    last_number = versions.order_by("-number").values_list("number", flat=True).first()
    declaration = Declaration(
        person=person,
        number=(last_number or 0) + 1,
        channel=channel,
        content=copy.deepcopy(latest.content) if latest else initial_content(person),
        based_on=latest,
        entered_by=actor,
    )
    declaration.full_clean()
    declaration.save()
    audit_record(
        actor=actor,
        action="declarations.declaration.start",
        target=declaration,
        org_unit=person.org_unit,
        data={
            "person": person.pk,
            "number": declaration.number,
            "channel": channel,
            "based_on": latest.number if latest else None,
        },
    )
    return declaration


@transaction.atomic
def declaration_update_section(
    *, declaration: Declaration, section: str, data: Any, actor: User
) -> Declaration:
    """Replace one section of a draft with validated data (refused on a submitted version)."""
    declaration = (
        Declaration.objects.select_for_update().select_related("person").get(pk=declaration.pk)
    )
    _check_may_write(actor, declaration.person, declaration.channel)
    _check_draft(declaration)
    cleaned, errors = validate_section(section, data)
    if errors:
        raise DeclarationInvalidError(errors)
    old = declaration.content.get(section)
    if old == cleaned:
        return declaration
    declaration.content = {**declaration.content, section: cleaned}
    declaration.full_clean()
    declaration.save(update_fields=["content", "updated_at"])
    summary: dict[str, Any] = {"number": declaration.number, "section": section}
    if SECTION_BY_KEY[section].is_list:
        summary["rows"] = {"old": len(old or []), "new": len(cleaned)}
    else:
        summary["fields"] = sorted(k for k in cleaned if (old or {}).get(k) != cleaned[k])
    audit_record(
        actor=actor,
        action="declarations.declaration.update_section",
        target=declaration,
        org_unit=declaration.person.org_unit,
        data=summary,
    )
    return declaration


@transaction.atomic
def declaration_submit(
    *, declaration: Declaration, actor: User, today: dt.date | None = None
) -> Declaration:
    """Submit a draft. Linter errors refuse (nothing changes); warnings are recorded with it."""
    declaration = (
        Declaration.objects.select_for_update().select_related("person").get(pk=declaration.pk)
    )
    _check_may_write(actor, declaration.person, declaration.channel)
    _check_draft(declaration)
    content, errors = validate_content(declaration.content, require=False)
    if errors:  # only data written around the services can get here
        raise DeclarationRefusedError(
            [Finding("invalid", Severity.ERROR, e.section, e.row, e.message) for e in errors]
        )
    findings = lint(content, today=today or timezone.localdate(), config=linter_config())
    if refusals := blocking(findings):
        raise DeclarationRefusedError(refusals)
    declaration.content = content
    declaration.status = Status.SUBMITTED
    declaration.submitted_at = timezone.now()
    declaration.submitted_by = actor
    declaration.findings = [f.as_dict() for f in findings]
    declaration.full_clean()
    declaration.save(
        update_fields=[
            "content",
            "status",
            "submitted_at",
            "submitted_by",
            "findings",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action="declarations.declaration.submit",
        target=declaration,
        org_unit=declaration.person.org_unit,
        data={
            "number": declaration.number,
            "channel": declaration.channel,
            "warnings": [f.rule for f in findings],
        },
    )
    return declaration
