"""Domain errors: raised by services, shown to the user as their (translated) message."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the operation. `message` is user-facing (already translated)."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class AccessDenied(DomainError):  # noqa: N818 (named like Django's PermissionDenied)
    """The actor may not do this (the object exists and is visible to them)."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or "Access denied", code="forbidden")
