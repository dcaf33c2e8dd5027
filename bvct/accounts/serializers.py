from __future__ import annotations

from rest_framework import serializers


class MeOut(serializers.Serializer[object]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    org_unit_id = serializers.IntegerField(allow_null=True)
    org_unit_name = serializers.CharField(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField())
    clearance = serializers.IntegerField()
