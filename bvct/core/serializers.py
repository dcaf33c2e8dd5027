"""API input fields shared by every app's serializers."""

from __future__ import annotations

from rest_framework import serializers

# LimitOffsetPagination ignores a bad `limit` or `offset`; the lists validate them first, so a
# bad value gets a 400 naming it, and an offset past any list never reaches SQL (where it would
# overflow: a server error).
MAX_LIMIT = 1000
MAX_OFFSET = 2**31 - 1


class LimitOffsetIn(serializers.Serializer[object]):
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_LIMIT, help_text="Page size (default 50)."
    )
    offset = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_OFFSET, help_text="Rows to skip."
    )


class ErrorOut(serializers.Serializer[object]):
    """The project's error body: the message, and for a refused rule its code and field."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False)
    field = serializers.CharField(required=False)
