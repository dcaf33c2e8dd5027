"""Bulk load (`bvct import people FILE --bulk`, PostgreSQL): a large first load without the
cost of maintaining the secondary indexes row by row.

What pg_restore does for a dump, done for one import job: before its first batch the job drops
the non-unique secondary indexes of the people and search-entry tables and the foreign keys the
import writes (people → unit and creator, search entry → person and name, row key → job: each
is a trigger and a lookup per row at commit), recording each definition on the job in the same
transaction; the batches then write as usual (each one transaction with its progress, its search
entries, its audit event; the importer itself resolves every reference it writes); before the
job ends — finished or failed — every recorded index that is missing is built again and every
foreign key added again and validated, one statement each, and only then is the job marked as
ended. So:

* the unique indexes stay (primary keys, CCCD, party card, the name table's key): the duplicate
  checks and the database's own refusal of a second live CCCD work throughout, and so do the
  indexes the checks read: the merged-record lookup (`merged_into_id`) and, when the registry
  held people before the job, the near-duplicate lookups on (name, date of birth, hometown);
* a run stopped at any point (even `kill -9`) resumes where it stopped; the indexes and foreign
  keys stay dropped until the job is run again, and the run that ends it puts them back (one
  already back is not built twice). A completed job never leaves one missing;
* one bulk job at a time (a session advisory lock, released by the server if the process dies):
  a second one would see the first one's indexes already gone and could end before it;
* other writers keep the uniqueness rules (the unique keys are there); without the foreign keys
  a concurrent deletion of a unit, user or imported person would only be caught when they are
  validated at the end (the job then stops with the database's message, resumable), and readers
  of the people lists and of the name search are slow while the indexes are missing: run a bulk
  load when the registry is not otherwise in use (a first national load). No table lock is
  taken: nothing a concurrent writer does can make the load itself wrong. SQLite has no bulk
  mode: the job runs the normal path.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from bvct.core.errors import DomainError
from bvct.intake.models import ImportedRow, ImportJob
from bvct.namesearch.models import SearchEntry
from bvct.people.models import Person

_LOCK_KEY = 0x62766374_0001  # "bvct", 1: the bulk-load advisory lock
_INDEXED = (Person._meta.db_table, SearchEntry._meta.db_table)
# the foreign keys the import writes, by table and column
_FOREIGN_KEYS = {
    Person._meta.db_table: ("org_unit_id", "created_by_id"),
    SearchEntry._meta.db_table: ("person_id", "name_id"),
    ImportedRow._meta.db_table: ("job_id",),
}
# read by the duplicate checks of every batch (bvct.intake.duplicates)
_MERGED_LOOKUP = "(merged_into_id)"
_NEAR_DUPLICATE_LOOKUPS = frozenset({"person_name_birth_home_idx", "person_birth_home_idx"})
INDEX, FOREIGN_KEY = "index", "foreign_key"


class BulkLoadBusyError(DomainError):
    """Another bulk import holds the lock."""


def applies(job: ImportJob) -> bool:
    return job.is_bulk and not job.is_dry_run and connection.vendor == "postgresql"


def acquire(job: ImportJob) -> None:
    """Take the bulk-load lock for this connection's session, or refuse."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_LOCK_KEY])
        (taken,) = cursor.fetchone()
    if not taken:
        raise BulkLoadBusyError(
            _("Another bulk import is running: run import #%(id)d again when it has finished.")
            % {"id": job.pk}
        )


def release() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_KEY])


def droppable(job: ImportJob) -> list[dict[str, str]]:
    """The secondary indexes and foreign keys the load can do without, as they are now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.relname, c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
            "WHERE t.relname = ANY(%s) AND t.relnamespace = 'public'::regnamespace "
            "AND NOT i.indisunique AND NOT i.indisprimary ORDER BY t.relname, c.relname",
            [list(_INDEXED)],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT t.relname, c.conname, a.attname, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
            "WHERE c.contype = 'f' AND t.relname = ANY(%s) "
            "AND t.relnamespace = 'public'::regnamespace ORDER BY t.relname, c.conname",
            [list(_FOREIGN_KEYS)],
        )
        keys = cursor.fetchall()
    keep = _NEAR_DUPLICATE_LOOKUPS if job.people_watermark > 0 else frozenset()
    found = [
        {"kind": INDEX, "table": table, "name": name, "definition": definition}
        for table, name, definition in indexes
        if name not in keep and not definition.endswith(_MERGED_LOOKUP)
    ]
    found.extend(
        {"kind": FOREIGN_KEY, "table": table, "name": name, "definition": definition}
        for table, name, column, definition in keys
        if column in _FOREIGN_KEYS[table]
    )
    return found


def drop(job: ImportJob) -> None:
    """Drop what the load can do without, recording it on the job, in one transaction."""
    quote = connection.ops.quote_name
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        recorded: list[dict[str, Any]] = list(locked.bulk_dropped)
        known = {item["name"] for item in recorded}
        found = droppable(locked)
        recorded.extend(item for item in found if item["name"] not in known)
        with connection.cursor() as cursor:
            for item in found:
                if item["kind"] == FOREIGN_KEY:
                    cursor.execute(
                        f"ALTER TABLE {quote(item['table'])} DROP CONSTRAINT {quote(item['name'])}"
                    )
                else:
                    cursor.execute(f"DROP INDEX {quote(item['name'])}")
        locked.bulk_dropped = recorded
        locked.save(update_fields=["bulk_dropped", "updated_at"])
    job.bulk_dropped = recorded


def missing(job: ImportJob) -> list[dict[str, Any]]:
    """What the job recorded that does not exist now."""
    if not job.bulk_dropped or connection.vendor != "postgresql":
        return []
    names = [item["name"] for item in job.bulk_dropped]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'i' AND relname = ANY(%s) "
            "UNION SELECT conname FROM pg_constraint WHERE conname = ANY(%s)",
            [names, names],
        )
        present = {name for (name,) in cursor.fetchall()}
    return [item for item in job.bulk_dropped if item["name"] not in present]


def restore(job: ImportJob) -> list[str]:
    """Build again every recorded index that is missing and add again (validated) every missing
    foreign key, each in its own transaction (a stop half-way keeps those already back).
    Returns their names."""
    if connection.vendor != "postgresql":
        return []
    job.refresh_from_db(fields=["bulk_dropped"])
    quote = connection.ops.quote_name
    done = []
    for item in missing(job):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            if item["kind"] == FOREIGN_KEY:
                cursor.execute(
                    f"ALTER TABLE {quote(item['table'])} ADD CONSTRAINT {quote(item['name'])} "
                    f"{item['definition']}"
                )
            else:
                cursor.execute(item["definition"])
        done.append(item["name"])
    if done:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(_INDEXED)}")
    return done
