"""API schemas of cases: one serializer per direction, never shared."""

from __future__ import annotations

from rest_framework import serializers

from bvct.vetting.models import CaseDocument, CaseType, ConclusionOutcome, Purpose, Status


class CaseListIn(serializers.Serializer[object]):
    case_type = serializers.ChoiceField(choices=CaseType.choices, required=False)
    purpose = serializers.ChoiceField(choices=Purpose.choices, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    state = serializers.ChoiceField(
        choices=[("open", "open"), ("closed", "closed"), ("all", "all")], default="open"
    )
    assignee = serializers.ChoiceField(choices=[("me", "me"), ("none", "none")], required=False)
    overdue = serializers.BooleanField(required=False, default=False)
    page = serializers.IntegerField(required=False, min_value=1, default=1)


class DueOut(serializers.Serializer[object]):
    due_on = serializers.DateField()
    working_days_left = serializers.IntegerField(
        help_text="Working days from today to the due date; negative when overdue."
    )
    is_paused = serializers.BooleanField()
    is_overdue = serializers.BooleanField()


class CaseOut(serializers.Serializer[object]):
    id = serializers.IntegerField(source="case.pk")
    case_type = serializers.ChoiceField(choices=CaseType.choices, source="case.case_type")
    purpose = serializers.CharField(source="case.purpose")
    status = serializers.ChoiceField(choices=Status.choices, source="case.status")
    person_id = serializers.IntegerField(source="case.person_id")
    holding_unit_id = serializers.IntegerField(source="case.holding_unit_id")
    assignee_id = serializers.IntegerField(source="case.assignee_id", allow_null=True)
    opened_at = serializers.DateTimeField(source="case.opened_at")
    closed_at = serializers.DateTimeField(source="case.closed_at", allow_null=True)
    due = DueOut(allow_null=True)


class CasePageOut(serializers.Serializer[object]):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    results = CaseOut(many=True)


class TransitionOut(serializers.Serializer[object]):
    from_status = serializers.CharField()
    to_status = serializers.ChoiceField(choices=Status.choices)
    actor_id = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()
    occurred_at = serializers.DateTimeField()


class ActionOut(serializers.Serializer[object]):
    to = serializers.ChoiceField(choices=Status.choices)
    title = serializers.CharField(source="label", help_text="The button's text.")
    reason_required = serializers.BooleanField()
    needs_conclusion = serializers.BooleanField(
        source="concludes",
        help_text="A decision: send `outcome` and `facts`; it issues the numbered document.",
    )


class CaseDetailOut(CaseOut):
    subject_matter = serializers.CharField(source="case.subject_matter")
    verification_decision = serializers.CharField(source="case.verification_decision")
    transitions = TransitionOut(many=True)
    actions = ActionOut(many=True, help_text="Transitions you may take now.")


class CaseTransitionIn(serializers.Serializer[object]):
    to = serializers.ChoiceField(choices=Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    outcome = serializers.ChoiceField(
        choices=ConclusionOutcome.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="For a decision (admit, refuse, conclude): the conclusion's outcome.",
    )
    facts = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=10000,
        help_text="For a decision: the facts the conclusion relies on (required there).",
    )


class TimelinessIn(serializers.Serializer[object]):
    node = serializers.IntegerField(
        required=False, help_text="Org unit id (default: the caller's own unit)."
    )
    date_from = serializers.DateField(help_text="First day of the period (YYYY-MM-DD).")
    date_to = serializers.DateField(help_text="Last day of the period (YYYY-MM-DD).")
    case_type = serializers.ChoiceField(choices=CaseType.choices, required=False)

    def validate(self, attrs: dict[str, object]) -> dict[str, object]:
        if attrs["date_to"] < attrs["date_from"]:  # type: ignore[operator]
            raise serializers.ValidationError({"date_to": "must not be before date_from"})
        return attrs


class TimelinessRowOut(serializers.Serializer[object]):
    case_type = serializers.ChoiceField(choices=CaseType.choices)
    status = serializers.ChoiceField(choices=Status.choices)
    count = serializers.IntegerField(help_text="Stage visits that ended in the period.")
    median = serializers.FloatField(allow_null=True, help_text="Median, in working days.")
    p90 = serializers.IntegerField(
        allow_null=True, help_text="90th percentile, nearest-rank method, in working days."
    )
    max = serializers.IntegerField(allow_null=True, help_text="Longest visit, in working days.")
    open_overdue = serializers.IntegerField(
        help_text="Open cases now in this stage past their limit (clock not paused)."
    )
    limit_days = serializers.IntegerField(
        allow_null=True, help_text="Time limit in force today, in working days."
    )


class TimelinessOut(serializers.Serializer[object]):
    node_id = serializers.IntegerField(source="node.pk")
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    case_type = serializers.CharField()
    rows = TimelinessRowOut(many=True)


class HistoryTransitionOut(serializers.Serializer[object]):
    from_status = serializers.CharField()
    to_status = serializers.ChoiceField(choices=Status.choices)
    actor_id = serializers.IntegerField(allow_null=True)
    actor_name = serializers.SerializerMethodField()
    reason = serializers.CharField()
    occurred_at = serializers.DateTimeField()

    def get_actor_name(self, obj: object) -> str:
        actor = getattr(obj, "actor", None)
        return str(actor) if actor is not None else ""


class ClockEventOut(serializers.Serializer[object]):
    kind = serializers.CharField()
    stage = serializers.ChoiceField(choices=Status.choices, source="step.status")
    on = serializers.DateField()
    days = serializers.IntegerField()
    reason = serializers.CharField()
    actor_id = serializers.IntegerField(allow_null=True)
    actor_name = serializers.SerializerMethodField()
    occurred_at = serializers.DateTimeField()

    def get_actor_name(self, obj: object) -> str:
        actor = getattr(obj, "actor", None)
        return str(actor) if actor is not None else ""


class CaseHistoryOut(serializers.Serializer[object]):
    transitions = HistoryTransitionOut(many=True)
    clock_events = ClockEventOut(many=True)


class CaseDocumentOut(serializers.Serializer[object]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CaseDocument.Kind.choices)
    title = serializers.CharField()
    checklist_code = serializers.CharField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    visible_to_subject = serializers.BooleanField()
    uploaded_at = serializers.DateTimeField()


class CaseDocumentIn(serializers.Serializer[object]):
    file = serializers.FileField(help_text="PDF, PNG, JPEG, DOCX or XLSX; at most 20 MB.")
    title = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)
    checklist_code = serializers.CharField(
        max_length=40,
        required=False,
        default="",
        allow_blank=True,
        help_text="A required document of the case type; marks it received.",
    )
    visible_to_subject = serializers.BooleanField(required=False, default=False)
