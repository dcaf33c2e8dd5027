"""The organisation tree (2025 structure) as a materialized path (django-treebeard MP).

Jurisdiction is a subtree: a user sees their node and everything below it. Subtree queries are a
range scan on the unique, indexed `path` column (see `OrgUnit.subtree_filter`), which both SQLite
and PostgreSQL answer from the index.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from bvct.core.text import fold, nfc

PATH_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def subtree_upper_bound(path: str) -> str | None:
    """The smallest string above every path in the subtree of `path`, or None if there is none.

    It is `path` "plus one" in the path alphabet, cut after the incremented character
    ("0001ZZZZ" -> "0002"). The bound contains only digits and upper-case letters, whose relative
    order is the same under every collation we meet (bytewise C, glibc and ICU locales); a bound
    such as `path + "~"` is not: ICU's en-US sorts "0001~" *below* "00010002".
    """
    for index in range(len(path) - 1, -1, -1):
        position = PATH_ALPHABET.index(path[index])
        if position + 1 < len(PATH_ALPHABET):
            return path[:index] + PATH_ALPHABET[position + 1]
    return None


class OrgUnitQuerySet(MP_NodeQuerySet["OrgUnit"]):
    def valid_on(self, day: dt.date) -> OrgUnitQuerySet:
        return self.filter(Q(valid_from__lte=day) | Q(valid_from__isnull=True)).filter(
            Q(valid_to__gte=day) | Q(valid_to__isnull=True)
        )

    def active(self) -> OrgUnitQuerySet:
        return self.filter(valid_to__isnull=True)

    def in_subtree_of(self, path: str) -> OrgUnitQuerySet:
        return self.filter(OrgUnit.subtree_filter(path))


class OrgUnitManager(MP_NodeManager["OrgUnit"]):
    def get_queryset(self) -> OrgUnitQuerySet:
        return OrgUnitQuerySet(self.model, using=self._db).order_by("path")

    def active(self) -> OrgUnitQuerySet:
        return self.get_queryset().active()

    def in_subtree_of(self, path: str) -> OrgUnitQuerySet:
        return self.get_queryset().in_subtree_of(path)


class OrgUnit(MP_Node):
    class Kind(models.TextChoices):
        CENTRAL = "central", _("Central Committee")
        CENTRAL_ORG = "central_org", _("Central party organisation")
        PROVINCE = "province", _("Provincial party organisation")
        PROVINCIAL_BLOCK = "provincial_block", _("Provincial block party organisation")
        COMMUNE = "commune", _("Commune/ward/special-zone party committee")
        GRASSROOTS = "grassroots", _("Grassroots party organisation")
        SUB_COMMITTEE = "sub_committee", _("Sub-grassroots party committee")
        BRANCH = "branch", _("Party cell")

    steplen = 4
    alphabet = PATH_ALPHABET

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    name_key = models.CharField(max_length=255, db_index=True, editable=False)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    admin_code = models.CharField(
        _("administrative unit code"),
        max_length=10,
        blank=True,
        help_text=_("Province or commune code of the 2025 administrative unit, if any."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("successor"),
    )

    objects: ClassVar[OrgUnitManager] = OrgUnitManager()

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="orgunit_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(successor__isnull=True) | Q(valid_to__isnull=False),
                name="orgunit_successor_only_when_ended",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Storage normalisation, not business logic: names are NFC, the search key is derived.
        self.name = nfc(self.name)
        self.short_name = nfc(self.short_name)
        self.name_key = fold(self.name)
        super().save(*args, **kwargs)

    @staticmethod
    def subtree_filter(path: str, prefix: str = "") -> Q:
        """Q for the subtree rooted at `path` (the node included), as an index range scan."""
        upper = subtree_upper_bound(path)
        if upper is None:  # "ZZZZ…": nothing sorts after its subtree
            return Q(**{f"{prefix}path__gte": path})
        return Q(**{f"{prefix}path__gte": path, f"{prefix}path__lt": upper})

    @property
    def is_active(self) -> bool:
        return self.valid_to is None

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def contains(self, other: OrgUnit) -> bool:
        """True if `other` is this node or lies below it."""
        return other.path.startswith(self.path)
