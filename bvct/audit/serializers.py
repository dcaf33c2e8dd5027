from __future__ import annotations

from typing import Any

from rest_framework import serializers

from bvct.audit.forms import DATE_FORMATS
from bvct.core.serializers import LimitOffsetIn


class AuditEventFilterIn(LimitOffsetIn):
    """Query parameters of the event list (the same filters as the page)."""

    date_from = serializers.DateField(
        required=False, input_formats=DATE_FORMATS, help_text="First day, dd/mm/yyyy or ISO."
    )
    date_to = serializers.DateField(
        required=False, input_formats=DATE_FORMATS, help_text="Last day, dd/mm/yyyy or ISO."
    )
    action = serializers.CharField(
        required=False, max_length=64, help_text="An action, or a dotted prefix of actions."
    )
    actor = serializers.CharField(required=False, max_length=150, help_text="Actor's username.")
    target_type = serializers.CharField(required=False, max_length=64)
    target_id = serializers.CharField(required=False, max_length=64)
    org_unit = serializers.CharField(
        required=False, max_length=40, help_text="Unit code: the unit and the units below it."
    )


class AuditEventOut(serializers.Serializer[Any]):
    seq = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    actor_id = serializers.IntegerField(allow_null=True)
    actor_username = serializers.CharField(allow_null=True, source="actor.username", default=None)
    action = serializers.CharField()
    target_type = serializers.CharField()
    target_id = serializers.CharField()
    org_unit_id = serializers.IntegerField(allow_null=True)
    org_unit_code = serializers.CharField(allow_null=True, source="org_unit.code", default=None)
    request_id = serializers.CharField()
    ip = serializers.CharField(allow_null=True)
    # declared fields leave the class namespace (DRF's metaclass): `.data` stays the property
    data = serializers.JSONField()  # type: ignore[assignment]
    prev_hash = serializers.CharField()
    hash = serializers.CharField()


class AuditEventPageOut(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = AuditEventOut(many=True)
