"""Tree builders for tests. Nodes must be created through treebeard (add_root / add_child)."""

from __future__ import annotations

import itertools
from typing import Any

from bvct.orgs.models import OrgUnit

_counter = itertools.count(1)


def make_root(**fields: Any) -> OrgUnit:
    n = next(_counter)
    defaults: dict[str, Any] = {"code": f"ROOT{n}", "name": f"Trung ương {n}", "kind": "central"}
    defaults.update(fields)
    root: OrgUnit = OrgUnit.add_root(**defaults)
    return root


def make_child(parent: OrgUnit, **fields: Any) -> OrgUnit:
    n = next(_counter)
    kind_below = {
        "central": "province", "central_org": "grassroots", "province": "commune",
        "provincial_block": "grassroots", "commune": "grassroots", "grassroots": "branch",
        "sub_committee": "branch", "branch": "branch",
    }
    defaults: dict[str, Any] = {
        "code": f"N{n}", "name": f"Đơn vị {n}", "kind": kind_below[parent.kind],
    }
    defaults.update(fields)
    parent.refresh_from_db()  # treebeard needs the parent's current numchild
    child: OrgUnit = parent.add_child(**defaults)
    return child
