"""The name-search index: distinct names, their syllable postings, a syllable vocabulary for typo
correction, and one entry per searchable person with the keys that scope and filter a search.

Why not trigrams: at national scale (5.6 million people) `pg_trgm` answered in ~1.8 s at p95 and
missed partial names. Vietnamese names are few and highly repetitive: 5.6 million people share a
few hundred thousand distinct written names, built from a few thousand syllables. So the search
works in two steps (see `search.py`):

1. *Names*: the query's words (folded, each with its one-edit neighbours from the vocabulary) are
   matched against the distinct names through postings keyed by one syllable or by a pair of
   syllables — a small space, whatever the number of people.
2. *People*: the entries of the matching names are counted and paged with composite indexes that
   start with the name and continue with the scope (`path`, the managing unit's tree path) and
   the optional filters (birth year, hometown province), so counting a name within a jurisdiction
   is one index range scan. For the commonest scopes — the whole country or a whole province,
   without filters — `SearchNameCount` holds the counts themselves, so counting a name there is
   a lookup of at most four rows, however many people bear it.

Nothing here is business data: `bvct namesearch rebuild` recreates it from `people.Person`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchName(models.Model):
    """One distinct written name: lower case, NFC, diacritics kept ("nguyễn văn hùng")."""

    key = models.CharField(max_length=200)
    folded = models.CharField(max_length=200)  # fold(key): "nguyen van hung", read when ranking

    class Meta:
        verbose_name = _("indexed name")
        verbose_name_plural = _("indexed names")
        # a constraint rather than unique=True: PostgreSQL then builds no second (LIKE) index
        constraints = [models.UniqueConstraint(fields=["key"], name="nsname_key_unique")]

    def __str__(self) -> str:
        return self.key


class SearchPosting(models.Model):
    """Names by folded syllable ("hung") and by sorted pair of folded syllables ("hung nguyen")."""

    pk = models.CompositePrimaryKey("token", "name")
    token = models.CharField(max_length=120)
    # no index of its own: the primary key (token, name) is the one read; names are never deleted
    name = models.ForeignKey(SearchName, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        verbose_name = _("name posting")
        verbose_name_plural = _("name postings")

    def __str__(self) -> str:
        return f"{self.token} → {self.name_id}"


class SearchSyllableKey(models.Model):
    """Vocabulary of folded syllables with their deletion neighbourhood (symmetric delete).

    For each syllable S there is a row (S, S) and a row (S minus one letter, S) for every letter.
    Two words within one edit (insert, delete, substitute, swap) share at least one key, so a
    word's candidate corrections are one indexed lookup of its own keys.
    """

    pk = models.CompositePrimaryKey("key", "syllable")
    key = models.CharField(max_length=60)
    syllable = models.CharField(max_length=60)

    class Meta:
        verbose_name = _("syllable key")
        verbose_name_plural = _("syllable keys")

    def __str__(self) -> str:
        return f"{self.key} → {self.syllable}"


class IndexRebuild(models.Model):
    """Progress of `bvct namesearch rebuild`, so that a run stopped half-way resumes."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_person_id = models.BigIntegerField(default=0)
    people_indexed = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("index rebuild")
        verbose_name_plural = _("index rebuilds")

    def __str__(self) -> str:
        return f"rebuild {self.pk} (after person {self.last_person_id})"


class SearchEntry(models.Model):
    """A searchable person (merged records have none) with denormalised scope and filter keys.

    `path` is the managing unit's tree path and `classification` the dossier's classification:
    the same jurisdiction and clearance rules as `access.policy.people_visible_to`, applied inside
    the index so that totals count only what the actor may see.
    """

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    # indexed as the first column of the composite indexes below
    name = models.ForeignKey(SearchName, on_delete=models.PROTECT, related_name="+", db_index=False)
    path = models.CharField(max_length=255)
    given = models.CharField(max_length=60)  # the name's last syllable, folded: "hung"
    surname = models.CharField(max_length=60)  # its first, when it has two or more: "nguyen"
    classification = models.PositiveSmallIntegerField()
    birth_year = models.PositiveSmallIntegerField(null=True)
    hometown_province = models.CharField(max_length=2, blank=True)
    # NULL, not "": no identifier, left out of the partial indexes
    cccd = models.CharField(max_length=12, null=True)  # noqa: DJ001
    card_key = models.CharField(max_length=20, null=True)  # noqa: DJ001

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        indexes = [
            models.Index(
                fields=["name", "path", "person", "classification"], name="nsentry_name_scope"
            ),
            models.Index(
                fields=["name", "birth_year", "path", "person", "classification"],
                name="nsentry_name_year",
            ),
            models.Index(
                fields=["name", "hometown_province", "path", "person", "classification"],
                name="nsentry_name_home",
            ),
            # one word and a birth year ("Hùng", 1980), the commonest short query
            models.Index(
                fields=["given", "birth_year", "path", "classification", "name"],
                name="nsentry_given_year",
            ),
            models.Index(
                fields=["surname", "birth_year", "path", "classification", "name"],
                name="nsentry_surname_year",
            ),
            models.Index(
                fields=["cccd"], name="nsentry_cccd", condition=models.Q(cccd__isnull=False)
            ),
            models.Index(
                fields=["card_key"], name="nsentry_card", condition=models.Q(card_key__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ({self.path})"


AREA_LEVELS = (1, 2)  # the root's subtree and a province's: the scopes `SearchNameCount` counts


class SearchNameCount(models.Model):
    """How many entries a name has in an area, by classification: the exact in-scope count of a
    name for an actor whose scope is a whole area (the root or a province) without filters.

    `area` is the first one or two steps of the entries' `path` (`AREA_LEVELS`): each entry is
    counted once in the row of its root's subtree and, when its unit lies below the root, once
    in the row of its province's. An actor at a unit of path P with clearance C then sees, of a
    name, exactly the sum of its rows with `area = P` and `classification <= C` (when P is one
    or two steps long) — the same people as the entries' `path` range, in at most four rows.

    Maintained by database triggers on `SearchEntry` (migration 0002): every writer of entries —
    the importer's COPY, `index_people`, `unindex_people`, the unit-merge path update, a cascade
    from a deleted person, bench loaders in SQL — keeps it exact in its own transaction, so it is
    never stale. `index.recount_names` recomputes it from the entries (a repair; tests compare
    the two). On SQLite a later migration that rebuilds the entry table drops the triggers: it
    must create them again (the count tests fail if it does not).
    """

    pk = models.CompositePrimaryKey("name", "area", "classification")
    name = models.ForeignKey(SearchName, on_delete=models.CASCADE, related_name="+", db_index=False)
    area = models.CharField(max_length=16)
    classification = models.PositiveSmallIntegerField()
    people = models.IntegerField()

    class Meta:
        verbose_name = _("name count")
        verbose_name_plural = _("name counts")
        # the one read: a name's rows of one area, with the counts (index-only, however the
        # rows are scattered in the table by the triggers' upserts)
        indexes = [
            models.Index(
                fields=["name", "area", "classification", "people"], name="nscount_name_area"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name_id} in {self.area or '-'} ({self.classification}): {self.people}"
