"""Search compared with an independent oracle: brute force over every person in Python.

The oracle knows the documented semantics only, and none of the index's code:
* folded words, each matching a distinct name syllable, in any order; one word alone matches the
  surname or the given name only;
* one-edit typos (optimal string alignment by dynamic programming) against the vocabulary of
  every indexed name: misspelt words corrected; for two words or more, one more word with a typo
  while fewer than `TYPO_MORE` match (always, by default; a page for two words) and every
  word with a typo while nobody matches; the people found only through a typo are the page's
  `typo_total`;
* scope = the actor's subtree + clearance + a dossier role; merged records excluded.
"""

import itertools
import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bvct.accounts.models import RoleCode, User
from bvct.accounts.tests.factories import make_user
from bvct.core.text import fold
from bvct.namesearch.index import index_people
from bvct.namesearch.search import TYPO_MORE, TYPO_MORE_TWO_WORDS, TYPO_THRESHOLD, search_people
from bvct.people.models import Person

from .conftest import add_person

SURNAMES = ["Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Lê", "Phạm", "Hồ", "Ngô"]
MIDDLES = ["Văn", "Thị", "Thị Thu", "Đức", "", "Minh"]
GIVENS = ["Hùng", "Hưng", "Hồng", "Nam", "Lam", "Lan", "Anh", "Oanh", "Thu", "Thư", "Minh", "An"]
QUERIES = [
    ("Nguyễn", None),
    ("nguyen van hung", None),
    ("Hùng Nguyễn", None),
    ("hung", 1981),
    ("Lan", None),
    ("lam", 1980),
    ("Trần Thu", None),
    ("ngyen thi lan", None),
    ("Pham Duc Anh", None),
    ("thi thu thu", None),
    ("Minh", 1982),
    ("Hồ Văn Oanh", None),
    ("Ngô Nam", None),
    # typos that make another real name ("Lan" for Lam, "Hồng" for Hùng), some with a year
    ("tran van lan", None),
    ("Nguyễn Thị Hồng", None),
    ("le minh anh", 1981),
    ("Phạm Văn Năm 1980", None),
]


def osa(a: str, b: str) -> int:
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def covers(syllables: list[str], groups: list[set[str]]) -> bool:
    if len(groups) == 1:  # one word: the surname or the given name
        return bool({syllables[0], syllables[-1]} & groups[0])
    return any(
        all(syllables[p] in group for p, group in zip(positions, groups, strict=True))
        for positions in itertools.permutations(range(len(syllables)), len(groups))
    )


def oracle(
    actor: User, everyone: list[Person], query: str, birth_year: int | None
) -> tuple[set[int], set[int]]:
    """The people the query finds, and those of them it finds as typed (no typo)."""
    words = [fold(w) for w in re.findall(r"[^\W_]+", query.lower())]
    years = [int(w) for w in words if re.fullmatch(r"(19|20)\d\d", w)]
    words = [w for w in words if not re.fullmatch(r"(19|20)\d\d", w)]
    birth_year = birth_year if birth_year is not None else (years[0] if years else None)
    roles = set(actor.roles.values_list("code", flat=True))
    if not (
        actor.is_active and actor.org_unit and roles & {"clerk", "officer", "approver", "inspector"}
    ):
        return set(), set()
    vocabulary = {s for p in everyone for s in fold(p.full_name).split()}
    visible = [
        p
        for p in everyone
        if p.merged_into_id is None
        and p.org_unit.path.startswith(actor.org_unit.path)
        and p.classification <= actor.clearance
        and (birth_year is None or p.birth_year == birth_year)
    ]

    def matching(groups: list[set[str]]) -> set[int]:
        return {p.pk for p in visible if covers(fold(p.full_name).split(), groups)}

    fuzzy = [{s for s in vocabulary if osa(w, s) <= 1} for w in words]
    if not all(fuzzy):
        return set(), set()
    # as typed, misspelt (unknown) words corrected
    base = [{w} if w in vocabulary else fuzzy[i] for i, w in enumerate(words)]
    found = matching(base)
    # fewer than TYPO_MORE (three words or more) or TYPO_MORE_TWO_WORDS (two): one more
    # (known) word one edit away
    threshold = TYPO_MORE if len(words) > 2 else TYPO_MORE_TWO_WORDS
    if len(found) < threshold and len(words) > 1:
        for i, w in enumerate(words):
            if w in vocabulary:
                found |= matching([fuzzy[j] if j == i else base[j] for j in range(len(words))])
    # nobody: every word one edit away
    if len(found) < TYPO_THRESHOLD and len(words) > 1:
        found |= matching(fuzzy)
    return found, matching([{w} for w in words])


@pytest.fixture
def population(tree):
    rng = random.Random(2025)
    units = [
        tree.root,
        tree.prov_a,
        tree.commune_a1,
        tree.grassroots_a1,
        tree.branch_a1,
        tree.commune_a2,
        tree.prov_b,
        tree.commune_b1,
    ]
    people = []
    for _ in range(90):
        name = " ".join(
            w for w in (rng.choice(SURNAMES), rng.choice(MIDDLES), rng.choice(GIVENS)) if w
        )
        people.append(
            add_person(
                name,
                rng.choice(units),
                birth_year=rng.choice((1980, 1981, 1982)),
                classification=rng.choice((0, 0, 0, 1, 2, 3)),
            )
        )
    for duplicate in rng.sample(people, 6):
        keep = people[0] if duplicate is not people[0] else people[1]
        duplicate.merged_into = keep
        duplicate.save()
        index_people([duplicate])
    return list(Person.objects.select_related("org_unit"))


@pytest.fixture
def actors(tree):
    return [
        make_user(org_unit=tree.root, roles=(RoleCode.OFFICER,), clearance=3),
        make_user(org_unit=tree.root, roles=(RoleCode.INSPECTOR,), clearance=0),
        make_user(org_unit=tree.prov_a, roles=(RoleCode.CLERK,), clearance=1),
        make_user(org_unit=tree.commune_a1, roles=(RoleCode.APPROVER,), clearance=3),
        make_user(org_unit=tree.branch_a1, roles=(RoleCode.OFFICER,), clearance=2),
        make_user(org_unit=tree.prov_b, roles=(RoleCode.OFFICER,), clearance=2),
        make_user(org_unit=tree.commune_b1, roles=(RoleCode.ADMIN, RoleCode.AUDITOR), clearance=3),
    ]


def test_search_agrees_with_the_oracle_for_actors_at_every_level(population, actors):
    checked = 0
    for actor in actors:
        for query, birth_year in QUERIES:
            # given
            expected, as_typed = oracle(actor, population, query, birth_year)

            # when
            page = search_people(actor=actor, query=query, birth_year=birth_year, limit=100)

            # then: the same people, the exact in-scope total, best first
            assert {hit.person.pk for hit in page.hits} == expected, (actor.org_unit, query)
            assert page.total == len(expected), (actor.org_unit, query)
            assert page.typo_total == len(expected - as_typed), (actor.org_unit, query)
            scores = [hit.score for hit in page.hits]
            assert scores == sorted(scores, reverse=True)
            # and the same totals when a short page leaves typo matches uncounted by name
            first = search_people(actor=actor, query=query, birth_year=birth_year, limit=1)
            assert (first.total, first.typo_total) == (page.total, page.typo_total)
            assert [hit.person.pk for hit in first.hits] == [hit.person.pk for hit in page.hits[:1]]
            checked += len(expected)
    assert checked > 200  # the population really exercises the comparison


def test_exact_matches_leave_typo_matches_out(population, actors):
    # "Nguyễn" has exact matches for the national officer: no typo matches
    page = search_people(actor=actors[0], query="Nguyễn", limit=100)
    assert page.with_typos is False
    assert {fold(hit.person.full_name).split()[0] for hit in page.hits} == {"nguyen"}


NAMES = [
    "Nguyễn Thị Hồng Nhung",
    "Trần Quốc Toản",
    "Lê Thị Ánh Tuyết",
    "Phạm Văn Đồng",
    "Đặng Thùy Trâm",
    "Võ Nguyên Giáp",
    "Hồ Xuân Hương",
    "Ngô Bảo Châu",
    "Huỳnh Thúc Kháng",
    "Bùi Thị Xuân",
]


@st.composite
def sloppy(draw):
    name = draw(st.sampled_from(NAMES))
    words = name.split(" ")
    written = []
    for word in words:
        form = draw(st.sampled_from(["as is", "no marks", "lower", "upper"]))
        written.append(
            {"as is": word, "no marks": fold(word), "lower": word.lower(), "upper": word.upper()}[
                form
            ]
        )
    order = draw(st.permutations(range(len(words))))
    return name, " ".join(written[i] for i in order)


@pytest.fixture
def famous(tree):
    return {name: add_person(name, tree.commune_a1) for name in NAMES}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=sloppy())
def test_a_person_is_found_by_their_own_name_written_sloppily(famous, tree, case):
    # given
    name, query = case
    actor = make_user(org_unit=tree.root, roles=(RoleCode.CLERK,), clearance=0)

    # when
    page = search_people(actor=actor, query=query)

    # then: first, since every word is there, whatever the order and the marks
    assert page.hits[0].person.pk == famous[name].pk, query
