"""Keys of the name-search index: written name, folded syllables, postings, typo neighbourhoods."""

from __future__ import annotations

import functools
import itertools
import re

from bvct.core.text import fold
from bvct.people.names import clean_name

_WORD = re.compile(r"[^\W_]+")
_NOT_CARD = re.compile(r"[^0-9A-Z]")
MAX_TOKEN = 50  # a "syllable" longer than this (foreign names, garbage) is cut for the postings
MAX_TYPO_LENGTH = 20  # longer words get no deletion neighbourhood: only exact matches


@functools.lru_cache(maxsize=65_536)
def _fold_word(word: str) -> str:
    return fold(word)


@functools.lru_cache(maxsize=65_536)
def name_keys(full_name: str) -> tuple[str, str]:
    """(written, folded) keys of a name, word for word aligned.

    Written: cleaned (NFC, invisible characters removed), lower case, one space between words,
    punctuation dropped: "Nguyễn  Văn HÙNG" -> "nguyễn văn hùng". Folded: the same without
    diacritics ("nguyen van hung"), the form every match is made on.
    """
    pairs = [(word, _fold_word(word)) for word in _WORD.findall(clean_name(full_name).lower())]
    pairs = [(word, folded) for word, folded in pairs if folded]
    return " ".join(word for word, _ in pairs), " ".join(folded for _, folded in pairs)


def syllables(folded_key: str) -> list[str]:
    return [word[:MAX_TOKEN] for word in folded_key.split(" ") if word]


def pair_token(first: str, second: str) -> str:
    return " ".join(sorted((first, second)))


def name_tokens(folded_key: str) -> set[str]:
    """Posting tokens of a name: each folded syllable and each (unordered) pair of syllables."""
    words = syllables(folded_key)
    tokens = set(words)
    tokens.update(pair_token(a, b) for a, b in itertools.combinations(words, 2))
    return tokens


def given_and_surname(folded_key: str) -> tuple[str, str]:
    """The folded given name (last syllable) and surname (first, when there are two or more)."""
    words = syllables(folded_key)
    if not words:
        return "", ""
    return words[-1], (words[0] if len(words) > 1 else "")


def deletion_keys(word: str) -> set[str]:
    """The word and the word with any one letter deleted (the symmetric-delete neighbourhood)."""
    keys = {word}
    if len(word) <= MAX_TYPO_LENGTH:
        keys.update(word[:i] + word[i + 1 :] for i in range(len(word)))
    keys.discard("")
    return keys


def within_one_edit(a: str, b: str) -> bool:
    """Optimal string alignment distance <= 1: one insertion, deletion, substitution or swap of
    two adjacent letters."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2  # noqa: PLR2004
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    shorter, longer = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(shorter) and shorter[i] == longer[i]:
        i += 1
    return shorter[i:] == longer[i + 1 :]


def card_key(value: str | None) -> str | None:
    """Party card number without separators, upper case: "05.012345" -> "05012345"."""
    if not value:
        return None
    return _NOT_CARD.sub("", value.upper()) or None


def query_words(query: str) -> list[tuple[str, str]]:
    """(written, folded) for each word of a query: [("hùng", "hung"), ("nguyen", "nguyen")]."""
    written, folded = name_keys(query)
    if not written:
        return []
    return [
        (word, folded_word[:MAX_TOKEN])
        for word, folded_word in zip(written.split(" "), folded.split(" "), strict=True)
    ]
