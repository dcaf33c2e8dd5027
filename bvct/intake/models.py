"""Import jobs, the problems they report row by row, and the numbers of the rows they have read.

Crash safety rests on one rule: each batch of rows is written in ONE transaction together with
the job's progress (`last_committed_row`), after locking the job row and checking that the
progress is still where this run read it. A run that dies (even `kill -9`) loses only its
uncommitted batch, and the next run starts after `last_committed_row`; a second writer of the
same batch finds the progress moved and stops without writing. `ImportedRow` remembers the CCCD
and party card of each checked row that has one, so a number seen earlier in the same file is
found with the row that had it, in constant memory (its unique keys also refuse the same number
twice in one job).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bvct.core.models import TimeStampedModel


class ImportJob(TimeStampedModel):
    class Kind(models.TextChoices):
        PEOPLE = "people", _("People")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    class FileFormat(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PEOPLE)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    is_dry_run = models.BooleanField(_("check only (dry run)"), default=False)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
        help_text=_("Rows without an organisation code go to this unit."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("imported by"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    upload = models.FileField(_("uploaded file"), upload_to="intake/%Y/%m/", blank=True)
    source_path = models.CharField(_("file on the server"), max_length=1024, blank=True)
    file_format = models.CharField(_("format"), max_length=4, choices=FileFormat.choices)
    file_sha256 = models.CharField(max_length=64)
    file_size = models.BigIntegerField(_("size in bytes"))
    batch_size = models.PositiveIntegerField(_("rows per batch"), default=1000)
    is_bulk = models.BooleanField(
        _("bulk load"),
        default=False,
        help_text=_(
            "A large first load: secondary indexes are dropped during the load and rebuilt "
            "before the job finishes."
        ),
    )
    # what this bulk job dropped and must put back (bvct.intake.bulk):
    # [{"kind": "index" | "foreign_key", "table": …, "name": …, "definition": …}, …]
    bulk_dropped = models.JSONField(default=list, blank=True)
    rows_estimated = models.PositiveIntegerField(_("rows in the file"), null=True, blank=True)
    last_committed_row = models.PositiveIntegerField(
        _("last committed row"),
        default=1,
        help_text=_("Sheet row number of the last row whose batch is committed (1: the header)."),
    )
    rows_processed = models.PositiveIntegerField(_("rows read"), default=0)
    rows_created = models.PositiveIntegerField(_("people created"), default=0)
    rows_invalid = models.PositiveIntegerField(_("rows with errors"), default=0)
    rows_duplicate = models.PositiveIntegerField(_("possible duplicates"), default=0)
    people_watermark = models.BigIntegerField(
        default=0,
        help_text="Highest person id when the job first started: the people that "
        "already existed, against whom rows are checked for duplicates.",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    failure = models.CharField(_("reason for failure"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["org_unit", "-created_at"], name="intake_job_unit_idx"),
            models.Index(fields=["created_by", "file_sha256"], name="intake_job_file_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def rows_reported(self) -> int:
        return self.rows_invalid + self.rows_duplicate

    @property
    def rows_valid(self) -> int:
        """Rows without any problem (created, or that would be in a dry run)."""
        return self.rows_processed - self.rows_reported

    @property
    def percent(self) -> int | None:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_estimated:
            return None
        return min(99, (self.last_committed_row - 1) * 100 // self.rows_estimated)


class ImportRowError(models.Model):
    """One problem found in one row (and column) of an import file."""

    class Kind(models.TextChoices):
        ERROR = "error", _("Error")
        DUPLICATE = "duplicate", _("Possible duplicate")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="problems")
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ERROR)
    message = models.TextField(_("message"))
    value = models.CharField(_("value in the file"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("import problem")
        verbose_name_plural = _("import problems")
        ordering = ["job", "row", "id"]
        indexes = [models.Index(fields=["job", "row"], name="intake_problem_row_idx")]

    def __str__(self) -> str:
        return f"{self.row}/{self.column}: {self.message}"


class ImportedRow(models.Model):
    """The CCCD and party card number of a checked row of a job (rows with neither have none).

    Looked up by (job, number) only, through the two partial unique keys; no index on the job
    alone, nor a link to the person created (nothing reads it): each key costs the importer an
    index entry per row of a national file. The keys lead with the number: a batch looks up
    thousands of numbers of one job at once, and with the job first PostgreSQL may walk every
    key of the job and filter (it did, with the statistics of a table filling during the load:
    a cost growing with the file). Deleting a job's rows (`delete_of`) reads the keys whole."""

    job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, related_name="imported_rows", db_index=False
    )
    row = models.PositiveIntegerField()
    cccd = models.CharField(max_length=12, blank=True)
    party_card_number = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cccd", "job"],
                condition=~Q(cccd=""),
                name="intake_row_cccd_once",
            ),
            models.UniqueConstraint(
                fields=["party_card_number", "job"],
                condition=~Q(party_card_number=""),
                name="intake_row_card_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.row}"

    @classmethod
    def delete_of(cls, job: ImportJob) -> None:
        """Delete the job's rows, each of the two statements through one of the partial keys
        (every stored row has a CCCD or a party card number)."""
        cls.objects.filter(job=job).exclude(cccd="").delete()
        cls.objects.filter(job=job, cccd="").exclude(party_card_number="").delete()
