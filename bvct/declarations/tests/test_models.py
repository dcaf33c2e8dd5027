"""The database itself refuses to change a submitted version (and, on PostgreSQL, to delete it)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from bvct.accounts.models import User
from bvct.declarations.models import Declaration
from bvct.declarations.tests.factories import complete_content, make_declaration
from bvct.people.models import Person

Status = Declaration.Status


def _snapshot(declaration: Declaration) -> tuple[object, ...]:
    return tuple(
        Declaration.objects.filter(pk=declaration.pk).values_list(
            "status", "content", "number", "submitted_at", "updated_at"
        )
    )


def test_submitted_content_cannot_be_updated_even_bypassing_services(
    person: Person, clerk: User
) -> None:
    # given a submitted version
    declaration = make_declaration(person=person, entered_by=clerk, status=Status.SUBMITTED)
    before = _snapshot(declaration)
    # when a queryset update bypasses every service
    with (
        pytest.raises(IntegrityError, match="submitted declaration is immutable"),
        transaction.atomic(),
    ):
        Declaration.objects.filter(pk=declaration.pk).update(number=99)
    # then nothing changed
    assert _snapshot(declaration) == before


def test_submitted_version_cannot_go_back_to_draft_or_be_saved(person: Person, clerk: User) -> None:
    declaration = make_declaration(person=person, entered_by=clerk, status=Status.SUBMITTED)
    before = _snapshot(declaration)
    declaration.status = Status.DRAFT
    declaration.submitted_at = None
    declaration.submitted_by = None
    with pytest.raises(IntegrityError), transaction.atomic():
        declaration.save()
    assert _snapshot(declaration) == before


def test_submitted_version_cannot_be_deleted_on_postgresql(person: Person, clerk: User) -> None:
    declaration = make_declaration(person=person, entered_by=clerk, status=Status.SUBMITTED)
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM declarations_declaration WHERE id = %s", [declaration.pk])
        assert Declaration.objects.filter(pk=declaration.pk).count() == 1
    else:
        # SQLite guards UPDATE only: test flushes empty tables with DELETE (see migration 0002)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'declarations_declaration'"
            )
            assert cursor.fetchall() == [("declaration_submitted_no_update",)]


def test_draft_can_be_updated_and_submitted_once(person: Person, clerk: User) -> None:
    # given a draft
    declaration = make_declaration(person=person, entered_by=clerk)
    # when it is edited and then submitted
    declaration.content = complete_content()  # sealed: written through the instance
    declaration.save(update_fields=["content"])
    Declaration.objects.filter(pk=declaration.pk).update(
        status=Status.SUBMITTED, submitted_at=timezone.now(), submitted_by=clerk
    )
    # then it is submitted, and from then on frozen
    assert Declaration.objects.get(pk=declaration.pk).status == Status.SUBMITTED
    with pytest.raises(IntegrityError), transaction.atomic():
        Declaration.objects.filter(pk=declaration.pk).update(number=99)


def test_one_draft_per_person(person: Person, clerk: User) -> None:
    make_declaration(person=person, entered_by=clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_declaration(person=person, entered_by=clerk, number=2)
    assert Declaration.objects.count() == 1


def test_version_numbers_are_unique_per_person(
    person: Person, other_person: Person, clerk: User
) -> None:
    make_declaration(person=person, entered_by=clerk, status=Status.SUBMITTED)
    make_declaration(person=other_person, entered_by=clerk, number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_declaration(person=person, entered_by=clerk, number=1, status=Status.SUBMITTED)
    assert Declaration.objects.count() == 2


def test_submitted_needs_time_and_submitter(person: Person, clerk: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_declaration(
            person=person, entered_by=clerk, status=Status.SUBMITTED, submitted_by=None
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        make_declaration(person=person, entered_by=clerk, submitted_at=timezone.now())
    assert Declaration.objects.count() == 0


def test_str_and_flags(person: Person, clerk: User) -> None:
    declaration = make_declaration(person=person, entered_by=clerk)
    assert str(declaration) == "Nguyễn Văn An — v1 (Bản nháp)"
    assert declaration.is_draft
    assert declaration.is_from_paper
