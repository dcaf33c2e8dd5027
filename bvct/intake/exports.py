"""Export of the people list to XLSX, scoped exactly as `policy.people_visible_to`.

The sheet has the import template's columns (so a corrected export can be imported again), plus
the record number and the unit's name. CCCDs are masked ("001******123") unless the actor is an
officer (`policy.can_export_full_cccd`): clerks keep the registry but do not need whole identity
numbers in files that leave the system. Rows stream from the database in chunks into openpyxl's
write-only workbook; the export is audited ("intake.people.export") with the count and the
filters, never with personal values. More people than `EXPORT_APPROVAL_THRESHOLD` need a second
person's approval first (`bvct.privacy`, which writes the approved file with `write_people`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook

from bvct.access import policy
from bvct.accounts.models import User
from bvct.audit.services import audit_record
from bvct.core.errors import AccessDenied, DomainError
from bvct.core.text import fold
from bvct.intake.columns import HEADERS
from bvct.intake.models import ImportJob
from bvct.intake.reports import header_row, safe, write_problem_report
from bvct.orgs.models import OrgUnit
from bvct.people.identity import mask_cccd
from bvct.people.models import DatePrecision, Person, Sex

_CHUNK = 2000
_DATE_FORMATS: dict[str, str] = {
    DatePrecision.DAY: "%d/%m/%Y",
    DatePrecision.MONTH: "%m/%Y",
    DatePrecision.YEAR: "%Y",
}
_SEX_LABELS: dict[str, str] = {Sex.MALE: "Nam", Sex.FEMALE: "Nữ"}


@dataclass(frozen=True)
class ExportFilters:
    unit_code: str = ""  # the unit's subtree, within the actor's jurisdiction
    query: str = ""  # words of the name, any order, diacritics ignored

    def as_data(self) -> dict[str, str]:
        return {"unit": self.unit_code, "query": self.query}


def people_for_export(*, actor: User, filters: ExportFilters) -> QuerySet[Person]:
    people = policy.people_visible_to(actor).filter(merged_into__isnull=True)
    if filters.unit_code:
        unit = policy.org_units_visible_to(actor).filter(code=filters.unit_code).first()
        if unit is None:
            raise DomainError(
                _("Unit: no organisation “%(code)s” in your jurisdiction.")
                % {"code": filters.unit_code},
                field="unit",
            )
        people = people.filter(OrgUnit.subtree_filter(unit.path, prefix="org_unit__"))
    for word in fold(filters.query).split():
        people = people.filter(name_key__contains=word)
    return people.select_related("org_unit").order_by("org_unit__path", "name_key", "pk")


class ExportNeedsApprovalError(DomainError):
    """More people than `EXPORT_APPROVAL_THRESHOLD`: the export needs a second person's approval
    (`bvct.privacy`), with the filters kept as they are."""

    def __init__(self, count: int, threshold: int) -> None:
        super().__init__(
            _(
                "This export has %(count)s people, more than %(threshold)s: it needs the "
                "approval of a second authorised person. State its purpose below."
            )
            % {"count": count, "threshold": threshold},
            field="export",
        )
        self.count = count


def approval_threshold() -> int:
    return int(settings.EXPORT_APPROVAL_THRESHOLD)


def people_export(*, actor: User, filters: ExportFilters, out: IO[bytes]) -> int:
    """Write the scoped list to `out` as XLSX and record the export. Returns the row count.
    More people than the approval threshold: `ExportNeedsApprovalError`, nothing written."""
    if not policy.can_export_people(actor):
        raise AccessDenied(_("You may not export the people list."))
    people = people_for_export(actor=actor, filters=filters)
    count = people.count()
    if count > approval_threshold():
        raise ExportNeedsApprovalError(count, approval_threshold())
    full_cccd = policy.can_export_full_cccd(actor)
    count = write_people(people, full_cccd=full_cccd, out=out)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="intake.people.export",
            org_unit=actor.org_unit,
            data={
                "count": count,
                "filters": filters.as_data(),
                "cccd": "full" if full_cccd else "masked",
            },
        )
    return count


def write_people(people: QuerySet[Person], *, full_cccd: bool, out: IO[bytes]) -> int:
    """The sheet of `people` (already scoped by the caller) into `out`; returns the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("People"))
    header_row(sheet, [_("Record"), *HEADERS, _("Unit name")])
    count = 0
    for person in people.iterator(chunk_size=_CHUNK):
        sheet.append(_row(person, full_cccd=full_cccd))
        count += 1
    workbook.save(out)
    return count


def problem_report_export(*, actor: User, job: ImportJob, out: IO[bytes]) -> int:
    """A job's problem report (it names rows and values) for a reader of the job; audited."""
    if not policy.import_jobs_visible_to(actor).filter(pk=job.pk).exists():
        raise AccessDenied(_("You may not read this import."))
    count = write_problem_report(job, out)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="intake.import.report_export",
            target=job,
            org_unit=job.org_unit,
            data={"problems": count},
        )
    return count


def _row(person: Person, *, full_cccd: bool) -> list[object]:
    cccd = person.cccd or ""
    return [
        person.pk,
        safe(person.full_name),
        _date(person),
        _SEX_LABELS.get(person.sex, ""),
        cccd if full_cccd else mask_cccd(cccd),
        person.party_card_number or "",
        safe(person.hometown_text),
        safe(person.residence_text),
        person.org_unit.code,
        person.admission_date.strftime("%d/%m/%Y") if person.admission_date else "",
        person.official_date.strftime("%d/%m/%Y") if person.official_date else "",
        person.org_unit.name,
    ]


def _date(person: Person) -> str:
    if person.birth_date is None:
        return str(person.birth_year or "")
    return person.birth_date.strftime(_DATE_FORMATS.get(person.birth_precision, "%d/%m/%Y"))
