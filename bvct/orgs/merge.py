"""Merge handlers: how other apps move their open records when a unit is merged.

`services.unit_merge` moves the old unit's active children (with their subtrees) and its users to
the successor, then calls every registered handler in registration order, then ends the old unit
(`valid_to`, `successor`): all in one transaction. A handler therefore sees the children already
under the successor, and the old unit still open. An app (cases, verification requests, …)
registers one handler from its `AppConfig.ready()`:

    from bvct.orgs.merge import register_merge_handler

    def move_open_cases(*, unit, successor, effective_date, actor) -> int:
        return Case.objects.open().filter(org_unit=unit).update(org_unit=successor)

    class VettingConfig(AppConfig):
        def ready(self) -> None:
            register_merge_handler(move_open_cases, name="vetting.cases")

Rules for a handler:
* it moves what is still open from `unit` to `successor` and returns how many records it moved
  (the count goes into the merge's audit event under `records_moved[name]`);
* it runs inside the merge's transaction: it must not commit, catch database errors or start
  background work directly (use `transaction.on_commit`);
* it raises `DomainError` to refuse the merge (everything is rolled back);
* it writes no audit event of its own: the one "orgs.unit.merge" event records the counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bvct.accounts.models import User
    from bvct.orgs.models import OrgUnit


class MergeHandler(Protocol):
    def __call__(
        self, *, unit: OrgUnit, successor: OrgUnit, effective_date: dt.date, actor: User
    ) -> int: ...


@dataclass(frozen=True)
class RegisteredHandler:
    name: str
    handler: MergeHandler


_HANDLERS: list[RegisteredHandler] = []


def register_merge_handler(handler: MergeHandler, *, name: str = "") -> MergeHandler:
    """Register `handler` (once; registering it again is a no-op). Returns it, so it decorates."""
    label = name or f"{handler.__module__}.{getattr(handler, '__qualname__', repr(handler))}"
    if all(entry.handler is not handler for entry in _HANDLERS):
        _HANDLERS.append(RegisteredHandler(label, handler))
    return handler


def unregister_merge_handler(handler: MergeHandler) -> None:
    """Remove `handler` (tests use this to clean up after themselves)."""
    _HANDLERS[:] = [entry for entry in _HANDLERS if entry.handler is not handler]


def merge_handlers() -> tuple[RegisteredHandler, ...]:
    return tuple(_HANDLERS)
