"""The people services' one door to the name-search index (`bvct.namesearch.index`).

Called inside the writer's transaction, so the index never disagrees with the committed rows.
Until P-SEARCH's module is in the tree the calls do nothing; once it exists they always run (an
error inside it is never swallowed). Drop the `find_spec` test when `bvct.namesearch.index` lands.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable
from typing import Any

from bvct.people.models import Person

_MODULE = "bvct.namesearch.index"


def _index_module() -> Any:
    if importlib.util.find_spec(_MODULE) is None:
        return None
    return importlib.import_module(_MODULE)


def index_people(people: Iterable[Person]) -> None:
    module = _index_module()
    if module is not None:
        module.index_people(people)


def unindex_people(person_ids: Iterable[int]) -> None:
    module = _index_module()
    if module is not None:
        module.unindex_people(person_ids)
