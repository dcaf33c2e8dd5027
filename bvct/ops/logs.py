"""Logs: one JSON object per line in production (`BVCT_LOG_FORMAT=json`), readable text in
development, and one access line per request with its request id.

A JSON line has `time` (UTC, ISO 8601, milliseconds), `level`, `logger`, `message` and, when the
line is written while a request is being served, `request_id` (the `X-Request-ID` echoed to the
client and stored in the audit log), `user_id`, `method` and `path`; access lines add `status`
and `duration_ms`; an exception adds `exception` (the traceback). Paths are logged without their
query string: a search query may be a person's name.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty
from typing_extensions import override

from bvct.core.context import current_request_meta

request_logger = logging.getLogger("bvct.request")
_current_request: ContextVar[HttpRequest | None] = ContextVar("bvct_log_request", default=None)
_EXTRA_FIELDS = ("status", "duration_ms")


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id if authentication already ran; never loads it (no query here,
    so a log line cannot fail when the database is down)."""
    user = getattr(request, "user", None)
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    pk = getattr(wrapped, "pk", None)
    return pk if isinstance(pk, int) else None


def log_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The structured fields of one record (shared by the JSON and the text format)."""
    fields: dict[str, Any] = {
        "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
            timespec="milliseconds"
        ),
        "level": record.levelname,
        "logger": record.name,
        "message": record.getMessage(),
    }
    request_id = current_request_meta.get().request_id
    if request_id:
        fields["request_id"] = request_id
    request = _current_request.get()
    if request is not None:
        fields["user_id"] = _user_id(request)
        fields["method"] = request.method
        fields["path"] = request.path
    for name in _EXTRA_FIELDS:
        if hasattr(record, name):
            fields[name] = getattr(record, name)
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object per line (never a line break inside: tracebacks are escaped)."""

    @override
    def format(self, record: logging.LogRecord) -> str:
        fields = log_fields(record)
        if record.exc_info:
            fields["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            fields["exception"] = record.exc_text
        return json.dumps(fields, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """`time level logger [request id] message` for a terminal."""

    @override
    def format(self, record: logging.LogRecord) -> str:
        fields = log_fields(record)
        request_id = fields.get("request_id")
        head = f"{fields['time']} {fields['level']} {fields['logger']}"
        line = (
            f"{head} [{request_id}] {fields['message']}"
            if request_id
            else (f"{head} {fields['message']}")
        )
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class RequestLogMiddleware:
    """One access line per request (`bvct.request`, INFO): method, path, status, duration.
    Placed right after `RequestIdMiddleware`, so every line of the request carries its id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={"status": response.status_code, "duration_ms": duration_ms},
            )
            return response
        finally:
            _current_request.reset(token)
