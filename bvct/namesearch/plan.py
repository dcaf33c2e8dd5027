"""Query planning: which postings to read to find the names matching a query.

Each query word is a *group* of acceptable folded syllables (the word itself, or its one-edit
corrections). A name matches when it holds one syllable of every group. The candidates can be
read through the postings of one group (its syllables) or of two groups (every pair of their
syllables); the cheapest choice is the one that reads the fewest postings, estimated from how
many names hold each syllable.

Those counts are read from the postings once and kept for `COUNT_TTL` seconds per process: they
only steer the plan (a stale count makes a query slower, never wrong), and the vocabulary of
Vietnamese names is small and slow to change.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from bvct.namesearch.models import SearchName, SearchPosting

COUNT_TTL = 600.0
COUNT_CAP = 50_000  # beyond this a syllable is "very common": the exact figure does not matter
TOKEN_COST = 2.0  # reading one posting key costs about as much as two candidate names
FILTER_FROM = 64  # fewer candidate names than this (estimated) are read without a filter

_lock = threading.Lock()
_counts: dict[str, int] = {}
_names_total: list[int] = []
_loaded_at: list[float] = [0.0]


def clear_counts() -> None:
    """Forget the cached counts (tests; after a rebuild)."""
    with _lock:
        _counts.clear()
        _names_total.clear()
        _loaded_at[0] = time.monotonic()


def choose_tokens(groups: Sequence[set[str]]) -> set[str]:
    """The posting tokens to read: one group's syllables or the pairs of two groups' syllables,
    whichever is estimated to read the fewest candidate names."""
    return choose_plan(groups)[0]


def choose_plan(groups: Sequence[set[str]]) -> tuple[set[str], set[str] | None]:
    """`choose_tokens`, and for three groups or more a filter: the tokens of the cheapest
    single or pair that covers a group the first choice does not. A matching name holds a
    syllable of every group, so it is in both posting lists; intersecting them (in SQL,
    postings only) leaves far fewer names to read and rank than the first list alone — "pham
    thi ha" with "ha" allowed a typo reads the names of the few hundred "pham × ha-or-a-
    neighbour" pairs that also hold "pham thi", not the thousands without "thi". No filter
    when the first choice is small (`FILTER_FROM`) or covers every group."""
    counts = syllable_counts(set().union(*groups))
    total = max(1, _total_names())
    estimates = [sum(counts.get(syllable, 0) for syllable in group) for group in groups]

    def options(among: Sequence[int]) -> list[tuple[float, float, tuple[int, ...]]]:
        """(cost, estimated names, groups) of the singles and pairs involving `among`."""
        found: list[tuple[float, float, tuple[int, ...]]] = [
            (estimates[i] + TOKEN_COST * len(groups[i]), estimates[i], (i,)) for i in among
        ]
        for i, j in itertools.combinations(range(len(groups)), 2):
            if i in among or j in among:
                names = estimates[i] * estimates[j] / total
                found.append((names + TOKEN_COST * len(groups[i]) * len(groups[j]), names, (i, j)))
        return found

    _, names, best = min(options(range(len(groups))))
    uncovered = [k for k in range(len(groups)) if k not in best]
    if not uncovered or names < FILTER_FROM:
        return _tokens(groups, best), None
    return _tokens(groups, best), _tokens(groups, min(options(uncovered))[2])


def _tokens(groups: Sequence[set[str]], chosen: tuple[int, ...]) -> set[str]:
    if len(chosen) == 1:
        return set(groups[chosen[0]])
    return pair_tokens(groups[chosen[0]], groups[chosen[1]])


def pair_tokens(first: Iterable[str], second: Iterable[str]) -> set[str]:
    """The pair postings of a syllable of `first` and one of `second`: held exactly by the
    names that hold both, at two positions."""
    return {f"{a} {b}" if a <= b else f"{b} {a}" for a in first for b in set(second)}


def syllable_counts(syllables: set[str]) -> dict[str, int]:
    """How many names hold each syllable (up to COUNT_CAP), cached for COUNT_TTL seconds."""
    with _lock:
        if time.monotonic() - _loaded_at[0] > COUNT_TTL:
            _counts.clear()
            _names_total.clear()
            _loaded_at[0] = time.monotonic()
        missing = sorted(syllables - _counts.keys())
    if missing:
        fetched = _count_postings(missing)
        with _lock:
            _counts.update(fetched)
    with _lock:
        return {syllable: _counts.get(syllable, 0) for syllable in syllables}


def _count_postings(tokens: list[str]) -> dict[str, int]:
    params: list[Any] = []
    parts = []
    for token in tokens:
        params += [token, token, COUNT_CAP]
        parts.append(
            f"SELECT %s, COUNT(*) FROM (SELECT 1 FROM {SearchPosting._meta.db_table} "  # noqa: S608 (our table)
            f"WHERE token = %s LIMIT %s) AS t"
        )
    found: dict[str, int] = dict.fromkeys(tokens, 0)
    with connection.cursor() as cursor:
        for start in range(0, len(parts), 200):
            chunk = parts[start : start + 200]
            cursor.execute(" UNION ALL ".join(chunk), params[start * 3 : (start + len(chunk)) * 3])
            found.update(dict(cursor.fetchall()))
    return found


def _total_names() -> int:
    with _lock:
        if _names_total:
            return _names_total[0]
    total = SearchName.objects.count()
    with _lock:
        _names_total[:] = [total]
    return total
