from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bvct.exchange.tests.support import make_schema


@pytest.fixture(scope="session")
def site_b_template(tmp_path_factory: pytest.TempPathFactory, django_db_blocker: Any) -> Path:
    path = tmp_path_factory.mktemp("site-b-template") / "schema.sqlite3"
    with django_db_blocker.unblock():  # a file of its own, not the test database
        make_schema(path)
    return path
