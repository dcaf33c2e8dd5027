"""API schemas of the criteria: each endpoint has its own input and output serializers."""

from __future__ import annotations

from rest_framework import serializers

from bvct.criteria.models import Outcome, Purpose


class CitationOut(serializers.Serializer[object]):
    document_type = serializers.CharField()
    number = serializers.CharField()
    issuer = serializers.CharField()
    issued_on = serializers.DateField(allow_null=True)
    article = serializers.CharField()
    confidence = serializers.CharField()
    note = serializers.CharField()


class RuleOut(serializers.Serializer[object]):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a rule label, not Field.label
    kind = serializers.CharField()
    params = serializers.JSONField()
    outcome = serializers.CharField()
    priority = serializers.IntegerField()


class VersionSummaryOut(serializers.Serializer[object]):
    id = serializers.IntegerField(source="pk")
    number = serializers.IntegerField()
    status = serializers.CharField()
    purposes = serializers.ListField(child=serializers.CharField())
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(allow_null=True)
    combining = serializers.CharField()
    is_example = serializers.BooleanField()


class RuleSetOut(serializers.Serializer[object]):
    code = serializers.CharField()
    name = serializers.CharField()
    versions = VersionSummaryOut(many=True, source="versions.all")


class VersionDetailOut(VersionSummaryOut):
    ruleset = serializers.CharField(source="ruleset.code")
    description = serializers.CharField()
    author = serializers.CharField(source="author.username")
    approver = serializers.CharField(source="approver.username", allow_null=True, default=None)
    published_at = serializers.DateTimeField(allow_null=True)
    citations = CitationOut(many=True, source="citations.all")
    rules = RuleOut(many=True, source="rules.all")


class RuleSetImportIn(serializers.Serializer[object]):
    yaml = serializers.CharField(trim_whitespace=False)


class YamlProblemOut(serializers.Serializer[object]):
    line = serializers.IntegerField()
    field = serializers.CharField()
    message = serializers.CharField()


class RuleSetImportErrorOut(serializers.Serializer[object]):
    detail = serializers.CharField()
    problems = YamlProblemOut(many=True)


class ImpactIn(serializers.Serializer[object]):
    effective_from = serializers.DateField()


class PurposeImpactOut(serializers.Serializer[object]):
    purpose = serializers.CharField()
    current_version = serializers.IntegerField(allow_null=True)
    total = serializers.IntegerField()
    changed = serializers.IntegerField()
    old_counts = serializers.DictField(child=serializers.IntegerField())
    new_counts = serializers.DictField(child=serializers.IntegerField())
    sample_person_ids = serializers.ListField(child=serializers.IntegerField())


class ImpactOut(serializers.Serializer[object]):
    effective_from = serializers.DateField()
    impact_digest = serializers.CharField()
    purposes = PurposeImpactOut(many=True)


class PublishIn(serializers.Serializer[object]):
    effective_from = serializers.DateField()
    impact_digest = serializers.CharField()


class EvaluationIn(serializers.Serializer[object]):
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    date = serializers.DateField(required=False)


class EvaluationOut(serializers.Serializer[object]):
    purpose = serializers.CharField()
    as_of = serializers.DateField()
    version = serializers.IntegerField(allow_null=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_null=True)
    trace = serializers.JSONField(allow_null=True)
