"""API schemas of dossiers: one serializer per direction, never shared."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from bvct.people.identity import mask_cccd
from bvct.people.models import DatePrecision, Person, RecordedIssue, Relative, Sex
from bvct.people.selectors import MAX_PAGE


class PersonListIn(serializers.Serializer[object]):
    q = serializers.CharField(
        required=False,
        max_length=100,
        help_text="Name (accents and word order optional), exact CCCD or party card number.",
    )
    birth_year = serializers.IntegerField(required=False, min_value=1800, max_value=2200)
    hometown_province = serializers.CharField(required=False, max_length=2)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    unit = serializers.CharField(
        required=False, max_length=40, help_text="Unit code: this unit and those below it."
    )
    page = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, default=1)


class PersonOut(serializers.Serializer[object]):
    """A person in a list: the CCCD is masked."""

    id = serializers.IntegerField()
    full_name = serializers.CharField()
    surname = serializers.CharField()
    middle_name = serializers.CharField()
    given_name = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True)
    birth_precision = serializers.ChoiceField(choices=DatePrecision.choices)
    birth_year = serializers.IntegerField(allow_null=True)
    sex = serializers.ChoiceField(choices=Sex.choices)
    cccd_masked = serializers.SerializerMethodField()
    hometown_province_code = serializers.CharField()
    hometown_commune_code = serializers.CharField()
    org_unit_id = serializers.IntegerField()
    org_unit_code = serializers.CharField(source="org_unit.code")
    merged_into_id = serializers.IntegerField(allow_null=True)

    def get_cccd_masked(self, person: Person) -> str:
        return mask_cccd(person.cccd)


class PersonPageOut(serializers.Serializer[object]):
    count = serializers.IntegerField(help_text="Exact number of matches in your jurisdiction.")
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    results = PersonOut(many=True)


class RelativeOut(serializers.Serializer[object]):
    id = serializers.IntegerField()
    relationship = serializers.ChoiceField(choices=Relative.Relationship.choices)
    relationship_note = serializers.CharField()
    full_name = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True)
    birth_precision = serializers.ChoiceField(choices=DatePrecision.choices)
    sex = serializers.CharField()
    address_text = serializers.CharField()
    occupation = serializers.CharField()
    is_deceased = serializers.BooleanField()
    country_code = serializers.CharField()
    linked_person_id = serializers.IntegerField(allow_null=True)


class IssueOut(serializers.Serializer[object]):
    id = serializers.IntegerField()
    relative_id = serializers.IntegerField(allow_null=True)
    family = serializers.ChoiceField(choices=RecordedIssue.Family.choices)
    status = serializers.ChoiceField(choices=RecordedIssue.Status.choices)
    # DRF removes declared fields from the class, so these do not shadow Field.source / .errors
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=RecordedIssue.Source.choices
    )
    summary = serializers.CharField()
    classification = serializers.IntegerField()
    conclusion_reference = serializers.CharField()
    concluded_on = serializers.DateField(allow_null=True)


class PersonDetailOut(PersonOut):
    """One dossier: the whole CCCD, addresses, relatives; issues only for those who may see them."""

    cccd = serializers.CharField(allow_null=True)
    party_card_number = serializers.CharField(allow_null=True)
    hometown_text = serializers.CharField()
    residence_province_code = serializers.CharField()
    residence_commune_code = serializers.CharField()
    residence_text = serializers.CharField()
    admission_date = serializers.DateField(allow_null=True)
    official_date = serializers.DateField(allow_null=True)
    classification = serializers.IntegerField()
    relatives = RelativeOut(many=True)
    issues = IssueOut(many=True, allow_null=True, help_text="Null when you may not see issues.")


class _PersonFieldsIn(serializers.Serializer[object]):
    full_name = serializers.CharField(max_length=200)
    sex = serializers.ChoiceField(choices=Sex.choices)
    birth_date = serializers.DateField(
        required=False, allow_null=True, help_text="With month or year precision, any day of it."
    )
    birth_precision = serializers.ChoiceField(
        choices=DatePrecision.choices, required=False, default=DatePrecision.DAY
    )
    cccd = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=20)
    party_card_number = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=20
    )
    hometown_province_code = serializers.CharField(required=False, allow_blank=True, default="")
    hometown_commune_code = serializers.CharField(required=False, allow_blank=True, default="")
    hometown_text = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=255
    )
    residence_province_code = serializers.CharField(required=False, allow_blank=True, default="")
    residence_commune_code = serializers.CharField(required=False, allow_blank=True, default="")
    residence_text = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=255
    )
    admission_date = serializers.DateField(required=False, allow_null=True, default=None)
    official_date = serializers.DateField(required=False, allow_null=True, default=None)
    classification = serializers.IntegerField(required=False, min_value=0, max_value=3)
    confirmed_distinct = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Save although records in your jurisdiction share two or more identifiers "
        "(answered 409 with the candidates otherwise).",
    )


class PersonCreateIn(_PersonFieldsIn):
    org_unit = serializers.IntegerField(min_value=1, help_text="Managing unit (id).")


class PersonUpdateIn(_PersonFieldsIn):
    """PATCH: only the fields given change; at least one is needed."""

    org_unit = serializers.IntegerField(min_value=1, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("full_name", "sex"):
            self.fields[name].required = False
        for field in self.fields.values():
            field.default = serializers.empty

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("Give at least one field to change.")
        return attrs


class DuplicateOut(serializers.Serializer[object]):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    cccd_masked = serializers.CharField()
    matched = serializers.ListField(child=serializers.CharField())


class DuplicatesOut(serializers.Serializer[object]):
    detail = serializers.CharField()
    candidates = DuplicateOut(many=True)


class PersonErrorOut(serializers.Serializer[object]):
    detail = serializers.CharField()
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField())
    )
