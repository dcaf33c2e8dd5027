"""Writes on dossiers: people, relatives, recorded issues, merges, and the dossier-read trail.

Every service is keyword-only, takes `actor=`, checks access through `bvct.access.policy`, runs in
one transaction (all or nothing), calls `full_clean()` and writes one audit event. Audit data never
copies personal values (names, CCCD, dates, addresses): personal fields are listed by name with
the "[changed]" marker, other values are ids and codes.
"""

from bvct.people.services.common import (
    MIN_BIRTH_YEAR,
    DuplicateCandidatesError,
    PersonInvalidError,
    normalise_birth_date,
)
from bvct.people.services.issues import (
    VERIFICATION_MIN_KEYS,
    attach_verification_fact,
    issue_create,
    issue_set_status,
)
from bvct.people.services.merge import MERGE_FILLABLE, merge_fills, person_merge
from bvct.people.services.persons import (
    PERSON_PERSONAL_FIELDS,
    PersonFields,
    person_create,
    person_fields_clean,
    person_read_record,
    person_update,
)
from bvct.people.services.relatives import (
    RELATIVE_PERSONAL_FIELDS,
    RelativeFields,
    relative_create,
    relative_delete,
    relative_fields_clean,
    relative_update,
)

__all__ = [
    "MERGE_FILLABLE",
    "MIN_BIRTH_YEAR",
    "PERSON_PERSONAL_FIELDS",
    "RELATIVE_PERSONAL_FIELDS",
    "VERIFICATION_MIN_KEYS",
    "DuplicateCandidatesError",
    "PersonFields",
    "PersonInvalidError",
    "RelativeFields",
    "attach_verification_fact",
    "issue_create",
    "issue_set_status",
    "merge_fills",
    "normalise_birth_date",
    "person_create",
    "person_fields_clean",
    "person_merge",
    "person_read_record",
    "person_update",
    "relative_create",
    "relative_delete",
    "relative_fields_clean",
    "relative_update",
]
