"""Read replica routing: opt-in, per view, and never inside a write transaction.

When `DATABASE_REPLICA_URL` is set, settings add a `replica` database and this router. Reads go
to the replica only while `replica_reads()` is active — views opt in with `@reads_from_replica`
(search, lists, reports: pages that only read and can show data a second old) — and even then:

* every write goes to the primary (`default`);
* every read inside an atomic block on the primary goes to the primary, so a service reads its
  own writes and locks (`select_for_update`) what it is about to change;
* after a user's write (any POST, PUT, PATCH, DELETE), that browser reads from the primary for
  `BVCT_REPLICA_PIN_SECONDS` (default 10): the list it is sent back to shows what it just saved,
  whatever the replication lag.

Everything else — services, commands, tasks, the worker, login, sessions, the audit log — reads
from the primary: a view that does not opt in is unaffected by the replica.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PIN_COOKIE = "bvct_primary_until"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_replica_reads: ContextVar[bool] = ContextVar("bvct_replica_reads", default=False)

P = ParamSpec("P")
R = TypeVar("R")


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads in this block may go to the replica (outside write transactions)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


@contextmanager
def primary_reads() -> Iterator[None]:
    """Reads in this block go to the primary, even inside `replica_reads()`."""
    token = _replica_reads.set(False)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replica_reads_allowed() -> bool:
    return _replica_reads.get()


def read_alias() -> str:
    """Where a read issued now goes: the primary unless a replica is configured, reads are
    allowed to use it, and no transaction is open on the primary."""
    if not _replica_reads.get() or not replica_configured():
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return REPLICA


class PrimaryReplicaRouter:
    """`DATABASE_ROUTERS` entry (always installed; a no-op without a replica)."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        return read_alias()

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        # explicit: a row read from the replica is saved to the primary, never back to where
        # it came from
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # the same data on both

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary's WAL


def _pinned(request: HttpRequest) -> bool:
    try:
        until = float(request.COOKIES.get(PIN_COOKIE, "0"))
    except ValueError:
        return False
    return until > time.time()


def reads_from_replica(view: Callable[P, R]) -> Callable[P, R]:
    """Let a read-only view (search, list, report) read from the replica."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        request = args[0]
        assert isinstance(request, HttpRequest)  # noqa: S101 (a view's first argument)
        if request.method not in SAFE_METHODS or _pinned(request):
            return view(*args, **kwargs)
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped


class ReplicaPinMiddleware:
    """After a write request, pin this browser's reads to the primary for a few seconds."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and replica_configured():
            seconds = settings.BVCT_REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                f"{time.time() + seconds:.0f}",
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
