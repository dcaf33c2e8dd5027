"""Shares the case actors (`bvct.vetting.tests.conftest`) and seeds the reply limits again after a
transactional flush."""

from __future__ import annotations

import pytest

from bvct.verification.defaults import seed_default_reply_limits
from bvct.vetting.tests.conftest import Actors, actors  # noqa: F401 (the fixture)


@pytest.fixture(autouse=True)
def _reply_limits(db: None) -> None:
    seed_default_reply_limits()


__all__ = ["Actors"]
