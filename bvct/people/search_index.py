"""The people services' one door to the name-search index (`bvct.namesearch.index`).

Called inside the writer's transaction, so the index never disagrees with the committed rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from bvct.namesearch import index
from bvct.people.models import Person


def index_people(people: Iterable[Person]) -> None:
    index.index_people(people)


def unindex_people(person_ids: Iterable[int]) -> None:
    index.unindex_people(person_ids)
