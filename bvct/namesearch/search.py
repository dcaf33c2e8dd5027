"""One search box over people: `search_people(actor=…, query=…)`.

What a query matches
* Digits only (separators allowed), six or more: an exact CCCD or party card number.
* Otherwise words, compared folded (no diacritics, any case), in any order: a person matches when
  every query word is one of the syllables of their name (each syllable used once). So the full
  name and the name without (part of) its middle ("Nguyễn Hùng") match "Nguyễn Văn Hùng". A
  single word is a given name or a surname ("Hùng", "Nguyễn"), not a middle name: "Văn" or
  "Thị" alone would match half the country, and a given name that is also a common middle name
  ("Thanh", "Minh") would drown in middle names. A 4-digit year among the words (1900–2100) is
  the birth-year filter.
* Typos (one per word, an insertion, deletion, substitution or swap of two neighbours), in tiers:
  1. the words as typed, a misspelt word (one no indexed name contains) replaced by the known
     syllables one edit away from it;
  2. for three words or more: also one of the other words one edit away, ranked after the
     matches of tier 1 (the names already counted are not counted again) — a typo can turn a
     name into another real one ("pham thi ha" typed for Phạm Thị Hoa, when thousands are
     called Phạm Thị Hà), so the neighbours of a real name are always included after it
     (`TYPO_MORE` can restrict this to queries whose words as typed match fewer people); for
     two words, the same while fewer than a page match (`TYPO_MORE_TWO_WORDS`): the
     neighbours of "Nguyễn Hùng" are every Nguyễn X Hồng, Dũng, Hưng… in the country, most of
     a national total, and two words say too little to tell a typo from another person;
  3. for two words or more, while nobody matches: every word one edit away.
  So a real name shows that name first and its one-typo neighbours after it ("Nguyễn Văn Nam",
  then "Lam", "Năm" and "Nan"), and a misspelt one shows its corrections. `SearchPage` says
  how many of the total came through a correction (`typo_total`), so the list can say so. A
  single real word ("Hùng", born 1980) is taken as typed: its neighbours are other real names
  ("Hồng", "Dũng"), and one word is too little to tell a typo from another person.

Ranking, best first: fewer typos; fewer name syllables left unmatched; query order and the given
name matched; diacritics as typed (a query "Hùng" puts Hùng before Hưng). Ties: by name, then by
unit, then by record.

Scope: exactly `access.policy.people_visible_to` (jurisdiction subtree and clearance), applied in
the index itself, so `total` counts only what the actor may open; merged records never appear.
Hits are finally read through `people_visible_to`, so a stale index can hide a hit but never show
one outside the actor's scope.

Cost: a fixed number of queries whatever the number of hits — at most eleven (thirteen the first
time a process meets a syllable: the planner's counts, see `plan.py`). Each tier counts names,
not people: the candidate names from the postings (intersected with a second posting list for
three words or more, see `plan.choose_plan`) are counted in scope — for a whole-country or
whole-province scope without filters one lookup in `SearchNameCount` per name, however many
bear it, so bringing in the neighbours of a common name costs a few hundred index rows, not a
scan of their people — and those with someone in scope are read and ranked in Python. People
are read only for the page. See `models.py` for the index and `bench/RESULTS-search.md` for
timings at national scale.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q

from bvct.access.policy import people_search_scope, people_visible_to
from bvct.accounts.models import User
from bvct.namesearch.models import (
    AREA_LEVELS,
    SearchEntry,
    SearchName,
    SearchNameCount,
    SearchPosting,
    SearchSyllableKey,
)
from bvct.namesearch.plan import choose_plan, pair_tokens, syllable_counts
from bvct.namesearch.text import (
    card_key,
    deletion_keys,
    name_keys,
    query_words,
    syllables,
    within_one_edit,
)
from bvct.orgs.models import OrgUnit, subtree_upper_bound
from bvct.people.models import Person

TYPO_PAGE = 20  # a page of people
# One more word may carry a typo while fewer people than this match the words as typed: always.
# A typo that turns a name into another real one (Phạm Thị "Ha" typed for Phạm Thị Hoa) is
# corrected only if the neighbours of the real name are brought in, however common it is. At
# a page (20, until 06/12/2026) one-typo recall@20 was 0.98 at national scope; 5,000 reached
# 1.0 at 1 M people but doubled the CPU p95 of multi-word queries while the neighbours' people
# were counted by range scans. Counted through `SearchNameCount`, their candidate names narrowed
# by intersected postings, the neighbours cost a few milliseconds (bench/RESULTS-search.md).
TYPO_MORE: float = math.inf
# Two words: while fewer than a page match (see the module docstring).
TYPO_MORE_TWO_WORDS: float = TYPO_PAGE
TYPO_THRESHOLD = 1  # every word may carry a typo only while fewer people than this match
MAX_WORDS = 6
MAX_LIMIT = 100
MIN_IDENTIFIER_DIGITS = 6
CCCD_DIGITS = 12
_IDENTIFIER = re.compile(r"^[\d\s.\-/]+$")
_YEAR = re.compile(r"^(19|20)\d\d$")

Rank = tuple[int, int, int, int]  # typos, unmatched syllables, order, diacritics: lower is better
Group = dict[str, int]  # folded syllable -> cost (0 as typed, 1 one edit away)


@dataclass(frozen=True)
class SearchHit:
    person: Person
    score: float  # 1.0 = every word as typed, in order, whole name; lower is worse

    @property
    def person_id(self) -> int:
        return self.person.pk


@dataclass(frozen=True)
class SearchPage:
    hits: list[SearchHit]
    total: int
    with_typos: bool = False  # typo corrections were included
    typo_total: int = 0  # of `total`, the people found through a typo correction (ranked last)


@dataclass(frozen=True)
class _Scope:
    lower: str
    upper: str | None
    clearance: int
    birth_year: int | None
    hometown: str

    @property
    def area(self) -> str | None:
        """The `SearchNameCount` area this scope is exactly, if any: no filter, and the subtree
        of a unit at an area level (the root, a province)."""
        if self.birth_year is not None or self.hometown:
            return None
        if len(self.lower) not in {level * OrgUnit.steplen for level in AREA_LEVELS}:
            return None
        return self.lower

    def q(self) -> Q:
        condition = Q(path__gte=self.lower, classification__lte=self.clearance)
        if self.upper is not None:
            condition &= Q(path__lt=self.upper)
        if self.birth_year is not None:
            condition &= Q(birth_year=self.birth_year)
        if self.hometown:
            condition &= Q(hometown_province=self.hometown)
        return condition

    def where(self, params: list[Any]) -> str:
        """The same condition as `q`, as SQL for the hand-written queries."""
        sql = "path >= %s AND classification <= %s"
        params += [self.lower, self.clearance]
        if self.upper is not None:
            sql += " AND path < %s"
            params.append(self.upper)
        if self.birth_year is not None:
            sql += " AND birth_year = %s"
            params.append(self.birth_year)
        if self.hometown:
            sql += " AND hometown_province = %s"
            params.append(self.hometown)
        return sql


@dataclass
class _Matches:
    ranks: dict[int, Rank] = field(default_factory=dict)
    counts: dict[int, int] = field(default_factory=dict)
    # people of names counted but neither read nor ranked: typo matches ranked after every
    # ranked name, on pages after the one asked for (`_match`)
    unranked: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values()) + self.unranked


def search_people(
    *,
    actor: User,
    query: str,
    birth_year: int | None = None,
    hometown_province: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchPage:
    """Ranked people matching `query` within the actor's scope, with the exact in-scope total."""
    scope_parts = people_search_scope(actor)
    query = query.strip()
    if scope_parts is None or not query:
        return SearchPage(hits=[], total=0)
    root, clearance = scope_parts
    limit, offset = max(0, min(limit, MAX_LIMIT)), max(0, offset)
    words, year = _split_year(query_words(query))
    scope = _Scope(
        lower=root.path,
        upper=subtree_upper_bound(root.path),
        clearance=clearance,
        birth_year=birth_year if birth_year is not None else year,
        hometown=(hometown_province or "").strip().zfill(2) if hometown_province else "",
    )
    if _IDENTIFIER.match(query) and len(_digits(query)) >= MIN_IDENTIFIER_DIGITS:
        return _search_identifier(actor, _digits(query), scope, limit, offset)
    if not words:
        return SearchPage(hits=[], total=0)
    matches = _match(words[:MAX_WORDS], scope, needed=offset + limit)
    return _page(actor, matches, scope, limit, offset)


def _digits(query: str) -> str:
    return re.sub(r"\D", "", query)


def _split_year(words: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], int | None]:
    years = [int(folded) for _, folded in words if _YEAR.match(folded)]
    return [w for w in words if not _YEAR.match(w[1])], (years[0] if years else None)


def _search_identifier(
    actor: User, digits: str, scope: _Scope, limit: int, offset: int
) -> SearchPage:
    condition = Q(card_key=card_key(digits))
    if len(digits) == CCCD_DIGITS:
        condition |= Q(cccd=digits)
    entries = SearchEntry.objects.filter(condition, scope.q())
    ids = list(entries.order_by("person_id").values_list("person_id", flat=True))
    people = _people(actor, ids[offset : offset + limit])
    return SearchPage(hits=[SearchHit(p, 1.0) for p in people], total=len(ids))


# --- matching names ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tier:
    alternatives: list[list[Group]]  # the names of a tier hold a syllable of every group of one
    max_typos: int
    while_fewer_than: float  # the tier runs while fewer people than this match
    one_more: bool = False  # the tier of one more word with a typo


def _tiers(words: list[tuple[str, str]], candidates: dict[str, set[str]]) -> list[_Tier]:
    """As typed, misspelt (unknown) words corrected; then, for two words or more, one more word
    with a typo (while fewer than `TYPO_MORE` match, always, for three words or more;
    `TYPO_MORE_TWO_WORDS`, a page, for two), and while nobody matches every word."""
    folded = [word for _, word in words]
    fuzzy = [{syllable: int(syllable != word) for syllable in candidates[word]} for word in folded]
    if not all(fuzzy):  # a word with neither match nor correction: nobody can match
        return []
    unknown = [word not in candidates[word] for word in folded]
    base = [fuzzy[i] if unknown[i] else {word: 0} for i, word in enumerate(folded)]
    tiers = [_Tier([base], sum(unknown), 1)]
    one_more = [
        [fuzzy[j] if j == i else base[j] for j in range(len(base))]
        for i in range(len(base))
        if not unknown[i]
    ]
    if len(words) > 1 and one_more:
        threshold = TYPO_MORE if len(words) > 2 else TYPO_MORE_TWO_WORDS  # noqa: PLR2004
        tiers.append(_Tier(one_more, sum(unknown) + 1, threshold, one_more=True))
        tiers.append(_Tier([fuzzy], len(words), TYPO_THRESHOLD))
    return tiers


def _match(words: list[tuple[str, str]], scope: _Scope, needed: int) -> _Matches:
    """Names matching the words, ranked with every word allowed a typo, with in-scope counts.

    The names of the one-more-typo tier of a two-word query are only counted, in one sum, when
    the earlier tiers already fill the `needed` first hits (a short page, as an API client may
    ask for): they all rank after those (more typos), and a pair of the two words' syllables is
    held exactly by the names that match, so their postings give the exact total without
    reading or ranking their names ("Nguyễn Hùng": every Nguyễn X Hồng, Dũng … Hùng)."""
    candidates = _vocabulary([folded for _, folded in words])
    syllable_counts(set().union(*candidates.values()))  # the planner's counts, in one query
    fuzzy = [{s: int(s != folded) for s in candidates[folded]} for _, folded in words]
    matches = _Matches()
    for tier in _tiers(words, candidates):
        if matches.total >= tier.while_fewer_than:
            continue
        if tier.one_more and len(words) == 2 and matches.total >= needed:  # noqa: PLR2004
            pairs: list[tuple[set[str], set[str] | None]] = [
                (pair_tokens(groups[0].keys(), groups[1].keys()), None)
                for groups in tier.alternatives
            ]
            matches.unranked += _total(pairs, scope, known=matches.counts.keys())
            continue
        if len(words) == 1 and scope.birth_year is not None:
            counts = _counts_one_word_year(set(tier.alternatives[0][0]), scope)
            names = _names_by_id(counts.keys())
            ranks = _ranks(words, tier.alternatives, fuzzy, tier.max_typos, names)
        else:
            plans = [choose_plan([set(group) for group in groups]) for groups in tier.alternatives]
            counts = _counts(plans, scope, known=matches.counts.keys())
            names = _names_by_id(counts.keys())
            ranks = _ranks(words, tier.alternatives, fuzzy, tier.max_typos, names)
        kept = [name_id for name_id in ranks if name_id in counts]
        matches.ranks.update({name_id: ranks[name_id] for name_id in kept})
        matches.counts.update({name_id: counts[name_id] for name_id in kept})
    return matches


def _vocabulary(words: Sequence[str]) -> dict[str, set[str]]:
    """For each folded word, the known syllables within one edit of it (itself if known)."""
    keys = {word: deletion_keys(word) for word in words}
    rows = SearchSyllableKey.objects.filter(key__in=set().union(*keys.values())).values_list(
        "key", "syllable"
    )
    by_key: dict[str, set[str]] = {}
    for key, syllable in rows:
        by_key.setdefault(key, set()).add(syllable)
    return {
        word: {
            syllable
            for key in word_keys
            for syllable in by_key.get(key, ())
            if within_one_edit(word, syllable)
        }
        for word, word_keys in keys.items()
    }


def _ranks(
    words: list[tuple[str, str]],
    alternatives: list[list[Group]],
    ranking: list[Group],
    max_typos: int,
    names: Iterable[tuple[int, str, str]],
) -> dict[int, Rank]:
    """Ranks of the candidate names (id, written key, folded key) that hold a syllable of every
    group of one alternative, ranked with `ranking` (every word allowed a typo), kept when they
    need at most `max_typos`."""
    keys = [[group.keys() for group in groups] for groups in alternatives]
    ranks: dict[int, Rank] = {}
    for name_id, written, folded in names:
        name_syllables = syllables(folded)
        if all(any(k.isdisjoint(name_syllables) for k in alt) for alt in keys):
            continue  # the cheap test first: many candidates miss a group
        rank = rank_name(words, ranking, written.split(" "), name_syllables)
        if rank is not None and rank[0] <= max_typos:
            ranks[name_id] = rank
    return ranks


def _names_by_id(ids: Iterable[int]) -> list[tuple[int, str, str]]:
    items = list(ids)
    if not items:
        return []
    params: list[Any] = []
    sql = (
        f"SELECT id, key, folded FROM {SearchName._meta.db_table} "  # noqa: S608 (our table)
        f"WHERE {_in('id', items, params)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(name_id, key, folded) for name_id, key, folded in cursor.fetchall()]


def _candidates(plans: Sequence[tuple[set[str], set[str] | None]], params: list[Any]) -> str:
    """SQL of the ids of the names in the postings of any plan: its tokens', intersected with its
    filter's. Whatever the scope, a small space (see `models.py`)."""
    postings = SearchPosting._meta.db_table
    parts = []
    for index, (tokens, only) in enumerate(plans):
        ids = f"SELECT name_id FROM {postings} WHERE {_in('token', tokens, params)}"  # noqa: S608 (our table)
        if only is not None:
            ids += f" INTERSECT SELECT name_id FROM {postings} WHERE {_in('token', only, params)}"  # noqa: S608 (our table)
        parts.append(f"SELECT name_id FROM ({ids}) AS plan{index}")  # noqa: S608 (ours)
    return " UNION ".join(parts)


def rank_name(
    words: Sequence[tuple[str, str]],
    groups: Sequence[Group],
    written: Sequence[str],
    folded: Sequence[str],
) -> Rank | None:
    """How well a name (its written and folded syllables) matches the query words, or None.

    Each word takes a distinct syllable from its group; the best such assignment counts. Most
    names offer each word one syllable only, which is answered without searching.
    """
    if len(groups) > len(folded):
        return None
    ends = {0, len(folded) - 1} if len(groups) == 1 else None  # one word: surname or given name
    options = [
        [
            (position, cost)
            for position, syl in enumerate(folded)
            if (cost := group.get(syl)) is not None and (ends is None or position in ends)
        ]
        for group in groups
    ]
    if all(len(option) == 1 for option in options):
        single = [option[0] for option in options]
        if len({position for position, _ in single}) < len(single):
            return None
        return _assignment_rank(words, written, len(folded), single)
    best: Rank | None = None
    for combination in itertools.product(*options):
        if len({position for position, _ in combination}) == len(combination):
            rank = _assignment_rank(words, written, len(folded), combination)
            if best is None or rank < best:
                best = rank
    return best


def _assignment_rank(
    words: Sequence[tuple[str, str]],
    written: Sequence[str],
    length: int,
    combination: Sequence[tuple[int, int]],
) -> Rank:
    positions = [position for position, _ in combination]
    inversions = 0
    for index, position in enumerate(positions):
        for later in positions[index + 1 :]:
            inversions += position > later
    diacritics = 0
    for (word, folded_word), position in zip(words, positions, strict=True):
        # only words typed with diacritics can disagree with the name's own
        diacritics += word != folded_word and word != written[position]
    return (
        sum(cost for _, cost in combination),
        length - len(positions),
        inversions + (length - 1 not in positions),
        diacritics,
    )


def score(rank: Rank) -> float:
    typos, unmatched, order, diacritics = rank
    penalty = typos * 1000 + min(unmatched, 9) * 100 + min(order, 9) * 10 + min(diacritics, 9)
    return round(1.0 - penalty / 10_000, 4)


# --- people -----------------------------------------------------------------------------------


def _counts(
    plans: Sequence[tuple[set[str], set[str] | None]], scope: _Scope, known: Iterable[int] = ()
) -> dict[int, int]:
    """In-scope people per name, for the candidate names of these plans (`_candidates`) except
    the `known` ones (counted by an earlier tier). Names with nobody in scope are left out, and
    never ranked.

    A scope that is a whole area (the root's subtree or a province's, see `SearchNameCount`)
    without filters reads the names' counts, at most four rows a name; any other scope counts
    the names' entries in it (one range of the name's composite index each)."""
    params: list[Any] = []
    table, count, where = _count_source(plans, scope, known, params)
    sql = f"SELECT name_id, {count} FROM {table} WHERE {where} GROUP BY name_id"  # noqa: S608 (ours)
    if scope.area is not None:
        sql += f" HAVING {count} > 0"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {name_id: int(people) for name_id, people in cursor.fetchall()}


def _total(
    plans: Sequence[tuple[set[str], set[str] | None]], scope: _Scope, known: Iterable[int] = ()
) -> int:
    """The sum of `_counts`, in one row."""
    params: list[Any] = []
    table, count, where = _count_source(plans, scope, known, params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {count} FROM {table} WHERE {where}", params)  # noqa: S608 (ours)
        return int(cursor.fetchone()[0] or 0)


def _count_source(
    plans: Sequence[tuple[set[str], set[str] | None]],
    scope: _Scope,
    known: Iterable[int],
    params: list[Any],
) -> tuple[str, str, str]:
    """(table, count expression, condition) counting the candidates' people in scope."""
    candidates = _candidates(plans, params)
    if connection.vendor == "postgresql" and scope.area is not None:
        names = f"name_id = ANY(ARRAY({candidates}))"  # then one index descent per name
    else:
        names = f"name_id IN ({candidates})"
    already = list(known)
    if already:
        names += f" AND NOT ({_in('name_id', already, params)})"
    if scope.area is not None:
        params += [scope.area, scope.clearance]
        return (
            SearchNameCount._meta.db_table,
            "SUM(people)",
            f"{names} AND area = %s AND classification <= %s",
        )
    return SearchEntry._meta.db_table, "COUNT(*)", f"{names} AND {scope.where(params)}"


def _counts_one_word_year(syllables: set[str], scope: _Scope) -> dict[int, int]:
    """`_counts` for one word and a birth year ("Hùng", 1980: the commonest short query): two
    ranges of the (given, birth_year, path) and (surname, birth_year, path) indexes, whatever
    the number of names."""
    params: list[Any] = []
    given = _in("given", syllables, params)
    first_scope = scope.where(params)
    surname = _in("surname", syllables, params)
    not_given = _in("given", syllables, params)
    second_scope = scope.where(params)
    entries = SearchEntry._meta.db_table
    sql = (
        f"SELECT name_id, COUNT(*) FROM {entries} WHERE {given} AND {first_scope} "  # noqa: S608 (our table)
        f"GROUP BY name_id UNION ALL SELECT name_id, COUNT(*) FROM {entries} "
        f"WHERE {surname} AND NOT ({not_given}) AND {second_scope} GROUP BY name_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def _page(actor: User, matches: _Matches, scope: _Scope, limit: int, offset: int) -> SearchPage:
    ordered = sorted(matches.counts, key=lambda name_id: (matches.ranks[name_id], name_id))
    segments: list[tuple[int, int, int]] = []  # name, skip, take
    position, end = 0, offset + limit
    for name_id in ordered:
        count = matches.counts[name_id]
        if position + count > offset and position < end:
            skip = max(0, offset - position)
            segments.append((name_id, skip, min(count - skip, end - position - skip)))
        position += count
        if position >= end:
            break
    rows = _segment_rows(segments, scope)
    people = {person.pk: person for person in _people(actor, [pk for pk, _ in rows])}
    hits = [
        SearchHit(people[pk], score(matches.ranks[name_id])) for pk, name_id in rows if pk in people
    ]
    typo_total = matches.unranked + sum(
        count for name_id, count in matches.counts.items() if matches.ranks[name_id][0]
    )
    return SearchPage(
        hits=hits, total=matches.total, with_typos=typo_total > 0, typo_total=typo_total
    )


def _segment_rows(segments: list[tuple[int, int, int]], scope: _Scope) -> list[tuple[int, int]]:
    """(person id, name id) of each segment's slice, in page order, in one query."""
    if not segments:
        return []
    params: list[Any] = []
    parts = []
    for index, (name_id, skip, take) in enumerate(segments):
        params += [index, name_id]
        where = scope.where(params)
        params += [take, skip]
        parts.append(
            f"SELECT * FROM (SELECT %s AS segment, person_id, name_id, path "  # noqa: S608
            f"FROM {SearchEntry._meta.db_table} WHERE name_id = %s AND {where} "
            f"ORDER BY path, person_id LIMIT %s OFFSET %s) AS s{index}"
        )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = sorted(cursor.fetchall(), key=lambda row: (row[0], row[3], row[1]))
    return [(person_id, name_id) for _, person_id, name_id, _ in rows]


def _people(actor: User, ids: list[int]) -> list[Person]:
    """The people, through the access policy, in the given order."""
    if not ids:
        return []
    found = people_visible_to(actor).filter(pk__in=ids, merged_into__isnull=True)
    by_id = {person.pk: person for person in found.select_related("org_unit")}
    return [by_id[pk] for pk in ids if pk in by_id]


def _in(column: str, values: Iterable[Any], params: list[Any]) -> str:
    """`column IN values` with one parameter whatever the number of values."""
    items = list(values)
    if connection.vendor == "postgresql":
        params.append(items)
        return f"{column} = ANY(%s)"
    params.append(json.dumps(items))
    return f"{column} IN (SELECT value FROM json_each(%s))"  # noqa: S608 (a column name of ours)


def explain_score(query: str, full_name: str, *, with_typos: bool) -> float | None:
    """The score a person of this name gets for this query (None: no match), for the benchmark's
    recall judgement and for tests. `with_typos` as in the `SearchPage` of that query."""
    words = _split_year(query_words(query))[0][:MAX_WORDS]
    candidates = _vocabulary([folded for _, folded in words])
    groups = [
        {s: int(s != folded) for s in candidates[folded]} if with_typos else {folded: 0}
        for _, folded in words
    ]
    written, folded_name = name_keys(full_name)
    rank = rank_name(words, groups, written.split(" "), syllables(folded_name))
    return None if rank is None else score(rank)
