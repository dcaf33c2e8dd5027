from __future__ import annotations

import itertools
from typing import Any

from bvct.accounts.models import Role, User
from bvct.orgs.models import OrgUnit

_counter = itertools.count(1)
TEST_PASSWORD = "correct horse battery staple"


def make_user(
    *, org_unit: OrgUnit | None, roles: tuple[str, ...] = (), clearance: int = 0, **fields: Any
) -> User:
    n = next(_counter)
    username = fields.pop("username", f"user{n}")
    user = User.objects.create_user(
        username=username,
        password=TEST_PASSWORD,
        full_name=fields.pop("full_name", f"Người dùng {n}"),
        org_unit=org_unit,
        clearance=clearance,
        **fields,
    )
    if roles:
        # get_or_create: transactional tests flush the rows that migration 0002 created
        user.roles.set([Role.objects.get_or_create(code=code)[0] for code in roles])
    return user
