"""Row locks for read-modify-write (Saleor's lock_objects): every service that changes a case
starts here, inside its transaction."""

from __future__ import annotations

from django.db.models import QuerySet

from bvct.vetting.models import Case


def case_qs_for_update() -> QuerySet[Case]:
    """Cases locked for this transaction (SELECT … FOR UPDATE on PostgreSQL; SQLite's BEGIN
    IMMEDIATE already holds the single write lock). Only the case row is locked."""
    return Case.objects.select_for_update(of=("self",))
