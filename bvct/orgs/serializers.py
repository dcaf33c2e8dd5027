"""API schemas of the organisation tree: one serializer per direction, never shared."""

from __future__ import annotations

from rest_framework import serializers

from bvct.core.serializers import LimitOffsetIn
from bvct.orgs.models import OrgUnit


class OrgUnitListIn(LimitOffsetIn):
    # DRF removes declared fields from the class, so `parent` does not shadow Field.parent
    parent = serializers.IntegerField(  # type: ignore[assignment]
        required=False, min_value=1, help_text="Only the direct children of this unit."
    )
    q = serializers.CharField(
        required=False,
        max_length=100,
        help_text=(
            "Search by code or name (accents optional, one typo per word tolerated); best matches"
            " first. With `parent`, searches the parent's whole subtree."
        ),
    )
    kind = serializers.ChoiceField(choices=OrgUnit.Kind.choices, required=False)


class OrgUnitRefOut(serializers.Serializer[object]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class OrgUnitOut(serializers.Serializer[object]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=OrgUnit.Kind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    admin_code = serializers.CharField()
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)
    is_active = serializers.BooleanField()
    depth = serializers.IntegerField()
    has_children = serializers.SerializerMethodField()
    parent_id = serializers.IntegerField(
        allow_null=True, help_text="Null for the root, and when the parent is out of your scope."
    )
    parent_name = serializers.CharField(allow_null=True)

    def get_has_children(self, unit: OrgUnit) -> bool:
        return unit.numchild > 0


class OrgUnitPageOut(serializers.Serializer[object]):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = OrgUnitOut(many=True)


class OrgUnitDetailOut(OrgUnitOut):
    ancestors = OrgUnitRefOut(many=True, help_text="From the top of your jurisdiction down.")
    children = OrgUnitRefOut(many=True)
    predecessors = OrgUnitRefOut(many=True)
    successor = OrgUnitRefOut(allow_null=True, help_text="Null when active or out of your scope.")
    user_count = serializers.IntegerField(
        allow_null=True, help_text="Users of this unit; only for administrators who manage it."
    )
