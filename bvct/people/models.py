"""People and their dossiers: identity, relatives and recorded issues.

Religion and ethnicity are deliberately NOT stored (product boundary). Names are stored NFC as
written, with folded keys (no diacritics, lower case) for search. The name-search index itself lives
in `bvct.namesearch`; people services keep it up to date.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bvct.core.fields import SealedModel, SealedTextField
from bvct.core.models import TimeStampedModel


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Full date")
    MONTH = "month", _("Month and year")
    YEAR = "year", _("Year only")


class Person(TimeStampedModel):
    """A person with a dossier: applicant, member, cadre or relative who is in the registry."""

    full_name = models.CharField(_("full name"), max_length=200)
    surname = models.CharField(_("surname"), max_length=50, blank=True)  # one-word names
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    given_name = models.CharField(_("given name"), max_length=50)
    name_key = models.CharField(max_length=200, editable=False)
    birth_date = models.DateField(
        _("date of birth"),
        null=True,
        blank=True,
        help_text=_("With month or year precision, the first day of that month or year."),
    )
    birth_precision = models.CharField(
        _("date of birth precision"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    # NULL (not "") when unknown, so that the partial unique constraints ignore missing numbers
    cccd = models.CharField(  # noqa: DJ001
        _("citizen ID (CCCD)"), max_length=12, null=True, blank=True
    )
    party_card_number = models.CharField(  # noqa: DJ001
        _("party card number"), max_length=20, null=True, blank=True
    )
    hometown_province_code = models.CharField(_("hometown province"), max_length=2, blank=True)
    hometown_commune_code = models.CharField(_("hometown commune"), max_length=5, blank=True)
    hometown_text = models.CharField(
        _("hometown as written"),
        max_length=255,
        blank=True,
        help_text=_("The address exactly as declared, e.g. with pre-2025 district names."),
    )
    residence_province_code = models.CharField(_("residence province"), max_length=2, blank=True)
    residence_commune_code = models.CharField(_("residence commune"), max_length=5, blank=True)
    residence_text = models.CharField(_("residence as written"), max_length=255, blank=True)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("managing unit"),
    )
    classification = models.PositiveSmallIntegerField(
        _("classification"),
        default=0,
        help_text=_("0 = not classified; 1 Mật, 2 Tối mật, 3 Tuyệt mật."),
    )
    admission_date = models.DateField(_("date of admission to the Party"), null=True, blank=True)
    official_date = models.DateField(_("date of full membership"), null=True, blank=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("member account"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["cccd"],
                condition=Q(cccd__isnull=False) & Q(merged_into__isnull=True),
                name="person_unique_cccd",
            ),
            models.UniqueConstraint(
                fields=["party_card_number"],
                condition=Q(party_card_number__isnull=False) & Q(merged_into__isnull=True),
                name="person_unique_party_card",
            ),
            models.CheckConstraint(
                condition=Q(classification__gte=0) & Q(classification__lte=3),
                name="person_classification_range",
            ),
            models.CheckConstraint(
                condition=Q(birth_date__isnull=True) | Q(birth_year__isnull=False),
                name="person_birth_year_with_date",
            ),
        ]
        indexes = [
            models.Index(fields=["org_unit", "name_key"], name="person_unit_name_idx"),
            # duplicate candidates (identity.duplicate_candidates): name + date of birth or
            # hometown, and date of birth + hometown; also serves plain name_key lookups
            models.Index(
                fields=["name_key", "birth_date", "hometown_province_code"],
                name="person_name_birth_home_idx",
            ),
            models.Index(
                fields=["birth_date", "hometown_province_code"], name="person_birth_home_idx"
            ),
            models.Index(fields=["birth_year"], name="person_birth_year_idx"),
            # report roll-ups: people per unit counted from this index alone, and the few
            # classified dossiers found without a scan (bvct.reports.sections)
            models.Index(
                fields=["org_unit", "classification"],
                condition=Q(merged_into__isnull=True),
                name="person_live_unit",
            ),
            models.Index(
                fields=["classification"],
                condition=Q(classification__gt=0),
                name="person_classified",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class Relative(SealedModel, TimeStampedModel):
    class Relationship(models.TextChoices):
        FATHER = "father", _("Father")
        MOTHER = "mother", _("Mother")
        PARENT_IN_LAW = "parent_in_law", _("Parent-in-law")
        CARER = "carer", _("Person who raised them")
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        SIBLING = "sibling", _("Sibling")
        OTHER = "other", _("Other")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="relatives", verbose_name=_("person")
    )
    relationship = models.CharField(_("relationship"), max_length=20, choices=Relationship.choices)
    relationship_note = models.CharField(_("relationship detail"), max_length=100, blank=True)
    full_name = models.CharField(_("full name"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_precision = models.CharField(
        _("date of birth precision"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.YEAR,
    )
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, blank=True)
    # encrypted at rest; exact lookups (reuse of verification replies) go through the blind index
    cccd = SealedTextField(_("citizen ID (CCCD)"), blank=True, default="")
    cccd_bidx = models.CharField(max_length=64, blank=True, default="", editable=False)
    address_text = models.CharField(_("address"), max_length=255, blank=True)
    occupation = models.CharField(_("occupation"), max_length=200, blank=True)
    is_deceased = models.BooleanField(_("deceased"), default=False)
    country_code = models.CharField(
        _("country if abroad"),
        max_length=2,
        blank=True,
        help_text=_("ISO 3166 two-letter code; empty when living in Viet Nam."),
    )
    linked_person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="as_relative",
        verbose_name=_("their own record"),
    )

    class Meta:
        verbose_name = _("relative")
        verbose_name_plural = _("relatives")
        ordering = ["person", "relationship", "birth_year"]
        indexes = [
            models.Index(
                fields=["cccd_bidx"], condition=~Q(cccd_bidx=""), name="relative_cccd_bidx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_relationship_display()}: {self.full_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keep the CCCD's blind index in step with the (sealed) CCCD."""
        from bvct.people.dossier_keys import cccd_index  # noqa: PLC0415 (imports this module)

        self.cccd_bidx = cccd_index(self.cccd)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "cccd" in update_fields:
            kwargs["update_fields"] = {*update_fields, "cccd_bidx"}
        super().save(*args, **kwargs)


class RecordedIssue(SealedModel, TimeStampedModel):
    """A political-history, current-political or truthfulness issue recorded on a dossier."""

    class Family(models.TextChoices):
        POLITICAL_HISTORY = "political_history", _("Political history")
        CURRENT_POLITICAL = "current_political", _("Current political issue")
        TRUTHFULNESS = "truthfulness", _("Truthfulness of declaration")

    class Status(models.TextChoices):
        DECLARED = "declared", _("Declared")
        UNDER_VERIFICATION = "under_verification", _("Under verification")
        CONCLUDED = "concluded", _("Concluded")

    class Source(models.TextChoices):
        DECLARATION = "declaration", _("Self-declaration")
        VERIFICATION_REPLY = "verification_reply", _("Verification reply")
        OTHER = "other", _("Other")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="issues", verbose_name=_("person")
    )
    relative = models.ForeignKey(
        Relative,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issues",
        verbose_name=_("concerning relative"),
    )
    family = models.CharField(_("family"), max_length=20, choices=Family.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DECLARED
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    summary = SealedTextField(_("summary"))  # encrypted at rest
    classification = models.PositiveSmallIntegerField(_("classification"), default=1)
    conclusion_reference = models.CharField(
        _("concluding document"),
        max_length=120,
        blank=True,
        help_text=_("Number and date of the document that concluded the issue."),
    )
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("recorded issue")
        verbose_name_plural = _("recorded issues")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="concluded") | ~Q(conclusion_reference=""),
                name="issue_concluded_needs_document",
            ),
            models.CheckConstraint(
                condition=Q(classification__gte=0) & Q(classification__lte=3),
                name="issue_classification_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_family_display()} ({self.get_status_display()})"


class DossierKey(models.Model):
    """The data key of one dossier, stored only wrapped by a key-encryption key (`kek_id`).

    Sealed fields of the person's records name the key by `uid` (random, never reused); the
    rotation job (`bvct keys rotate`) re-wraps `wrapped` under the active KEK and nothing else.
    """

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="dossier_key", verbose_name=_("person")
    )
    uid = models.CharField(max_length=32, unique=True, editable=False)
    kek_id = models.CharField(_("key-encryption key"), max_length=20)
    wrapped = models.CharField(max_length=120, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    rewrapped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("dossier data key")
        verbose_name_plural = _("dossier data keys")
        indexes = [models.Index(fields=["kek_id", "id"], name="dossierkey_kek_idx")]

    def __str__(self) -> str:
        return f"{self.uid} ({self.kek_id})"


class UnitHeadcount(models.Model):
    """How many live (not merged) dossiers each unit holds per classification level.

    Written only by database triggers on `people_person` (migration 0006, both databases), in
    the same transaction as the change, so it is exact whoever writes people: the services, the
    importer's COPY, a merge, the admin. It lets a list show the exact total of a national scope
    (millions of dossiers) by summing at most a row per unit and level instead of counting the
    people (`people.selectors.person_list_for_actor`, `bvct.people.headcount`).
    """

    org_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    # the unit's tree path, kept equal to orgs_orgunit.path by a trigger on the tree: a scope is
    # then one range scan of the covering index below, without joining the tree
    path = models.CharField(max_length=255)
    classification = models.PositiveSmallIntegerField()
    live = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("unit headcount")
        verbose_name_plural = _("unit headcounts")
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "classification"], name="headcount_unit_classification"
            )
        ]
        indexes = [
            models.Index(
                fields=["path", "classification"], include=["live"], name="headcount_scope"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_unit_id}/{self.classification}: {self.live}"
