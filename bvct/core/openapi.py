"""OpenAPI post-processing: the error answers every endpoint shares, documented once.

The shared machinery answers before (or around) any view, so every operation can get them:

- 401 without a session and 403 without the role (`access.middleware`, also DRF's CSRF check);
- 404 for an object that is missing or out of the caller's scope (any path with an identifier);
- 400 for a malformed query or body: DRF's field errors (`{"field": ["message", …]}`), a
  `DomainError` (`{"detail", "code", "field"}`) or a parse error (`{"detail"}`).

Operations keep what they document themselves (e.g. 409 with the duplicate candidates); a 400
they document gains the shared shapes as alternatives, since their parsers and serializers can
answer with them.
The API fuzzing test (`tests/test_api_fuzz.py`) holds every answer to this schema.
"""

from __future__ import annotations

from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
FIELD_ERRORS_REF = {"$ref": "#/components/schemas/FieldErrorsOut"}
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "field": {"type": "string"},
    },
    "required": ["detail"],
}
FIELD_ERRORS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "DRF validation errors: for each field at fault (or `non_field_errors`), its "
    "messages; nested fields and list items nest the same way.",
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"$ref": "#/components/schemas/FieldErrorsOut"},
        ]
    },
}
SHARED = {
    "401": "Not logged in (or the session ended).",
    "403": "The caller's role may not use this operation, or the CSRF check failed.",
    "404": "No such object in the caller's scope.",
    "400": "A parameter or the body is invalid.",
}
HTTP_METHODS = frozenset({"get", "put", "post", "patch", "delete"})


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _takes_input(operation: dict[str, Any]) -> bool:
    in_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
    return in_query or "requestBody" in operation


def _with_shared_shapes(response: dict[str, Any]) -> None:
    """A documented 400 also takes the shared shapes: DRF's field errors and parse errors."""
    if not response.get("content"):
        response["content"] = {"application/json": {"schema": {}}}
    for media in response["content"].values():
        schema = media.get("schema") or {"anyOf": []}
        shapes = list(schema["anyOf"]) if "anyOf" in schema else [schema]
        shapes += [ref for ref in (ERROR_REF, FIELD_ERRORS_REF) if ref not in shapes]
        media["schema"] = {"anyOf": shapes}


def add_shared_error_responses(
    *, result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular post-processing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorOut", ERROR_SCHEMA)
    schemas["FieldErrorsOut"] = FIELD_ERRORS_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code in ("401", "403"):
                responses.setdefault(code, _json(ERROR_REF, SHARED[code]))
            if "{" in path:
                responses.setdefault("404", _json(ERROR_REF, SHARED["404"]))
            if _takes_input(operation):
                responses.setdefault(
                    "400", _json({"anyOf": [ERROR_REF, FIELD_ERRORS_REF]}, SHARED["400"])
                )
                _with_shared_shapes(responses["400"])
    return result
