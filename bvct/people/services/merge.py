"""Merging two records of one person (both histories kept)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from bvct.access import policy
from bvct.accounts.models import User
from bvct.audit.services import audit_record
from bvct.core.errors import AccessDenied, DomainError
from bvct.people.models import Person, RecordedIssue, Relative
from bvct.people.search_index import index_people, unindex_people
from bvct.people.services.common import _full_clean
from bvct.vetting.scope import person_cases_resync

# Fields of the kept record filled from the duplicate when the kept one has no value.
MERGE_FILLABLE = (
    "cccd",
    "party_card_number",
    "hometown_province_code",
    "hometown_commune_code",
    "hometown_text",
    "residence_province_code",
    "residence_commune_code",
    "residence_text",
    "admission_date",
    "official_date",
)


def merge_fills(keep: Person, duplicate: Person) -> list[str]:
    """Fields of `keep` that the merge fills from `duplicate` (shown before confirming)."""
    filled = [
        name for name in MERGE_FILLABLE if not getattr(keep, name) and getattr(duplicate, name)
    ]
    if keep.birth_date is None and duplicate.birth_date is not None:
        filled.append("birth_date")
    return filled


@transaction.atomic
def person_merge(*, actor: User, keep: Person, duplicate: Person) -> Person:
    """Fold `duplicate` into `keep`: relatives, issues and links move to `keep`, blank fields of
    `keep` are filled from `duplicate`, and `duplicate.merged_into = keep`. Both records stay;
    declarations stay on `duplicate` (submitted versions are immutable) and are shown on `keep`
    through `merged_from`."""
    locked = {
        p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[keep.pk, duplicate.pk])
    }
    keep, duplicate = locked.get(keep.pk, keep), locked.get(duplicate.pk, duplicate)
    if not policy.can_merge_people(actor, keep, duplicate):
        raise AccessDenied(_("You may not merge these records."))
    if keep.merged_into_id is not None or duplicate.merged_into_id is not None:
        raise DomainError(_("One of these records has already been merged into another."))
    filled = merge_fills(keep, duplicate)
    account = duplicate.account if keep.account_id is None else None
    relatives = Relative.objects.filter(person=duplicate).update(person=keep)
    issues = RecordedIssue.objects.filter(person=duplicate).update(person=keep)
    links = Relative.objects.filter(linked_person=duplicate).update(linked_person=keep)
    Person.objects.filter(merged_into=duplicate).update(merged_into=keep)
    duplicate.merged_into = keep
    duplicate.account = None
    duplicate.save(update_fields=["merged_into", "account", "updated_at"])
    for name in filled:
        setattr(keep, name, getattr(duplicate, name))
    if "birth_date" in filled:
        keep.birth_precision, keep.birth_year = duplicate.birth_precision, duplicate.birth_year
    keep.account = account or keep.account
    keep.classification = max(keep.classification, duplicate.classification)
    _full_clean(keep)
    keep.save()
    person_cases_resync([keep.pk, duplicate.pk])  # the kept record's classification may rise
    audit_record(
        actor=actor,
        action="people.person.merge",
        target=keep,
        org_unit=keep.org_unit,
        data={
            "keep": keep.pk,
            "duplicate": duplicate.pk,
            "relatives_moved": relatives,
            "issues_moved": issues,
            "relative_links_moved": links,
            "filled": sorted(filled),
            "account_moved": account is not None,
        },
    )
    index_people([keep])
    unindex_people([duplicate.pk])
    return keep
