"""Field encryption for dossiers: data keys, sealed issue summaries and relatives' CCCD.

Creates `DossierKey` (one data key per person, wrapped by a KEK), turns RecordedIssue.summary and
Relative.cccd into sealed columns, encrypts the existing rows and fills the CCCD blind index.
"""

import bvct.core.fields
import django.db.models.deletion
from django.db import migrations, models

from bvct.core import sealing


def _cccd_index(text: str) -> str:
    from bvct.people.dossier_keys import cccd_index  # noqa: PLC0415

    return cccd_index(text)


COLUMNS = (
    sealing.SealedColumn("people_recordedissue", "summary", "t.person_id"),
    sealing.SealedColumn(
        "people_relative",
        "cccd",
        "t.person_id",
        index_column="cccd_bidx",
        index_fn=_cccd_index,
    ),
)


def _seal(apps, schema_editor):
    sealing.seal_columns(schema_editor, *COLUMNS)


def _open(apps, schema_editor):
    sealing.open_columns(schema_editor, *COLUMNS)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_report_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="DossierKey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("uid", models.CharField(editable=False, max_length=32, unique=True)),
                ("kek_id", models.CharField(max_length=20, verbose_name="key-encryption key")),
                ("wrapped", models.CharField(editable=False, max_length=120)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("rewrapped_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "dossier data key",
                "verbose_name_plural": "dossier data keys",
            },
        ),
        migrations.AddField(
            model_name="relative",
            name="cccd_bidx",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="recordedissue",
            name="summary",
            field=bvct.core.fields.SealedTextField(dossier="person_id", verbose_name="summary"),
        ),
        migrations.AlterField(
            model_name="relative",
            name="cccd",
            field=bvct.core.fields.SealedTextField(
                blank=True, default="", dossier="person_id", verbose_name="citizen ID (CCCD)"
            ),
        ),
        migrations.AddIndex(
            model_name="relative",
            index=models.Index(
                condition=models.Q(("cccd_bidx", ""), _negated=True),
                fields=["cccd_bidx"],
                name="relative_cccd_bidx",
            ),
        ),
        migrations.AddField(
            model_name="dossierkey",
            name="person",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="dossier_key",
                to="people.person",
                verbose_name="person",
            ),
        ),
        migrations.AddIndex(
            model_name="dossierkey",
            index=models.Index(fields=["kek_id", "id"], name="dossierkey_kek_idx"),
        ),
        migrations.RunPython(_seal, _open),
    ]
