"""Tree builders for tests. Nodes are created through treebeard's manager (add_root / add_child),
which reads the parent's current row itself."""

from __future__ import annotations

import itertools
from typing import Any

from bvct.orgs.models import OrgUnit

_counter = itertools.count(1)


def make_root(**fields: Any) -> OrgUnit:
    n = next(_counter)
    defaults: dict[str, Any] = {"code": f"ROOT{n}", "name": f"Trung ương {n}", "kind": "central"}
    defaults.update(fields)
    return OrgUnit.objects.add_root(create_kwargs=defaults)


def make_child(parent: OrgUnit, **fields: Any) -> OrgUnit:
    n = next(_counter)
    kind_below = {
        "central": "province",
        "central_org": "grassroots",
        "province": "commune",
        "provincial_block": "grassroots",
        "commune": "grassroots",
        "grassroots": "branch",
        "sub_committee": "branch",
        "branch": "branch",
    }
    defaults: dict[str, Any] = {
        "code": f"N{n}",
        "name": f"Đơn vị {n}",
        "kind": kind_below[parent.kind],
    }
    defaults.update(fields)
    return OrgUnit.objects.add_child(parent, create_kwargs=defaults)


def tree_problems() -> list[str]:
    """Paths whose depth, parent or `numchild` is inconsistent (treebeard's own `find_problems`
    takes seconds on the 3,362 official units)."""
    rows = list(OrgUnit.objects.values_list("path", "depth", "numchild"))
    paths = {path for path, _, _ in rows}
    step = OrgUnit.steplen
    children: dict[str, int] = {}
    for path, _, _ in rows:
        if len(path) > step:
            children[path[:-step]] = children.get(path[:-step], 0) + 1
    return sorted(
        path
        for path, depth, numchild in rows
        if depth * step != len(path)
        or numchild != children.get(path, 0)
        or (len(path) > step and path[:-step] not in paths)
    )
