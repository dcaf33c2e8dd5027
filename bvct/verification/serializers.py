from __future__ import annotations

from rest_framework import serializers

from bvct.verification.models import AddresseeKind, ReplyOutcome, VerificationRequest


class RequestListIn(serializers.Serializer[object]):
    side = serializers.ChoiceField(
        choices=["all", "outgoing", "incoming"],
        default="all",
        help_text="outgoing: from cases you see; incoming: addressed to your subtree.",
    )
    state = serializers.ChoiceField(
        choices=["pending", "overdue", "answered", "all"], default="pending"
    )


class CoverOut(serializers.Serializer[object]):
    relative = serializers.IntegerField(source="relative_id", allow_null=True)
    name = serializers.SerializerMethodField()
    in_scope = serializers.BooleanField(help_text="Named by the rules for the case type.")
    issue = serializers.IntegerField(source="issue_id", allow_null=True)

    def get_name(self, obj: object) -> str:
        relative = getattr(obj, "relative", None)
        if relative is not None:
            return str(relative.full_name)
        return str(obj.request.case.person.full_name)  # type: ignore[attr-defined]


class RequestOut(serializers.Serializer[object]):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=VerificationRequest.Status.choices)
    requesting_unit = serializers.CharField(source="requesting_unit.code")
    addressee_kind = serializers.ChoiceField(choices=AddresseeKind.choices)
    addressee = serializers.CharField(source="addressee_name")
    addressee_unit = serializers.CharField(source="addressee_unit.code", allow_null=True)
    sent_on = serializers.DateField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    escalated_to = serializers.CharField(source="escalated_to.code", allow_null=True)
    reply_outcome = serializers.ChoiceField(choices=ReplyOutcome.choices, allow_blank=True)
    replied_on = serializers.DateField(allow_null=True)


class RequestDetailOut(RequestOut):
    legal_basis = serializers.CharField()
    purpose = serializers.CharField()
    questions = serializers.CharField()
    classification = serializers.IntegerField()
    reply_reference = serializers.CharField()
    reply_text = serializers.CharField()
    covers = CoverOut(many=True, source="covers.all")
