"""Helpers for unit search: query words, one-typo patterns and ranking.

Names are matched on `OrgUnit.name_key` (`core.text.fold`: lower case, no diacritics, đ → d), so
"Hoàn Kiếm", "hoan kiem" and "HOAN KIEM" are the same query. When nothing matches as typed, a
word of three letters or more may carry one typo (a letter wrong, missing, extra, or two
letters swapped): "hoan kem" finds "Đảng bộ phường Hoàn Kiếm". Shorter words must match as typed.

The typo scan runs in the database as plain `LIKE` patterns with the one-character wildcard `_`
(cheap on both SQLite and PostgreSQL; a REGEXP on SQLite is a Python call per row), which finds
candidates by substring; `word_typos` then keeps the names where each query word is one typo
from a whole word of the name, and `Rank` orders them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, reduce
from operator import or_
from typing import Any

from django.db.models import F, Lookup, Q, Value

from bvct.core.text import fold

_WORD = re.compile(r"[a-z0-9]+")
MIN_FUZZY_LENGTH = 3  # words shorter than this match exactly
MIN_DELETION_LENGTH = 4  # "an extra letter typed" is only tolerated on words this long
_ONE_CHAR = "\x00"  # placeholder for "any one character" while building the variants


class Like(Lookup):  # type: ignore[type-arg]
    """`lhs LIKE rhs` with the pattern's `%` and `_` wildcards left active (Django's `contains`
    escapes them). Only used with patterns built here from [a-z0-9] words."""

    lookup_name = "like"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs}", [*lhs_params, *rhs_params]


def tokens(query: str) -> list[str]:
    """The folded words of a query, in order, without duplicates."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(fold(query)):
        seen.setdefault(word, None)
    return list(seen)


@cache
def _variants(word: str) -> tuple[str, ...]:
    """`word` with at most one typo, as strings where _ONE_CHAR stands for any one character."""
    if len(word) < MIN_FUZZY_LENGTH:
        return (word,)
    found: dict[str, None] = {}
    for i in range(len(word)):  # a letter typed wrong (or right)
        found.setdefault(word[:i] + _ONE_CHAR + word[i + 1 :], None)
    for i in range(1, len(word)):  # a letter missing
        found.setdefault(word[:i] + _ONE_CHAR + word[i:], None)
    if len(word) >= MIN_DELETION_LENGTH:  # an extra letter typed
        for i in range(len(word)):
            found.setdefault(word[:i] + word[i + 1 :], None)
    for i in range(len(word) - 1):  # two letters swapped
        found.setdefault(word[:i] + word[i + 1] + word[i] + word[i + 2 :], None)
    return tuple(found)


def like_variants(word: str) -> list[str]:
    """LIKE patterns: a name contains `word` with at most one typo somewhere."""
    return [f"%{variant.replace(_ONE_CHAR, '_')}%" for variant in _variants(word)]


@cache
def typo_regex(word: str) -> re.Pattern[str]:
    """Matches (with `fullmatch`) a whole word at most one typo away from `word`."""
    parts = [re.escape(v).replace(re.escape(_ONE_CHAR), ".") for v in _variants(word)]
    return re.compile("|".join(parts))


def fuzzy_filter(words: list[str]) -> Q:
    """Names containing every word with at most one typo (cheapest words are tested first)."""
    condition = Q()
    for word in sorted(words, key=lambda w: len(_variants(w))):
        patterns = [Q(Like(F("name_key"), Value(p))) for p in like_variants(word)]
        condition &= reduce(or_, patterns)
    return condition


EXACT, PREFIX, ONE_TYPO, INSIDE = 0, 1, 2, 3  # how a query word matched a name, best first


def word_match(word: str, name_words: list[str]) -> tuple[int, int] | None:
    """How well `word` matches the name's words, and at which word; None when it does not.

    EXACT: a whole word; PREFIX: the start of a word; ONE_TYPO: a whole word one typo away.
    """
    best: tuple[int, int] | None = None
    pattern = typo_regex(word) if len(word) >= MIN_FUZZY_LENGTH else None
    for index, candidate in enumerate(name_words):
        if candidate == word:
            return EXACT, index
        if candidate.startswith(word):
            level = PREFIX
        elif pattern is not None and pattern.fullmatch(candidate):
            level = ONE_TYPO
        else:
            continue
        if best is None or level < best[0]:
            best = (level, index)
    return best


@dataclass(frozen=True, order=True)
class Rank:
    """Sort key of one hit: lower is better."""

    score: int  # sum of the words' match levels
    order: int  # 0 when the words appear in the name in the query's order
    phrase: int  # 0 when the folded query appears as typed in the name
    length: int
    path: str


def rank(
    query_words: list[str], name_key: str, path: str, *, inside_ok: bool = False
) -> Rank | None:
    """The rank of a name for the query, or None when a word does not match.

    With `inside_ok`, a word found only inside a name's word ("an" in "thanh") still matches,
    at the lowest level (the name search finds names by substring).
    """
    name_words = name_key.split()
    score, positions = 0, []
    for word in query_words:
        match = word_match(word, name_words)
        if match is None:
            if not inside_ok:
                return None
            match = (INSIDE, len(name_words))
        score += match[0]
        positions.append(match[1])
    order = 0 if positions == sorted(positions) else 1
    phrase = 0 if " ".join(query_words) in name_key else 1
    return Rank(score, order, phrase, len(name_key), path)
