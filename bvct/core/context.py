"""Per-request metadata (request id, client IP) for the audit log, without passing `request`
into services. Set by RequestIdMiddleware; empty in commands and tasks."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestMeta:
    request_id: str = ""
    ip: str | None = None


current_request_meta: ContextVar[RequestMeta] = ContextVar(
    "current_request_meta",
    default=RequestMeta(),  # noqa: B039 (immutable frozen dataclass)
)
