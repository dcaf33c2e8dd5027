"""Field encryption: the subject's explanations and appeal grounds, and the facts of conclusions."""

import bvct.core.fields
from django.db import migrations

from bvct.core import sealing


def _column(table: str, column: str) -> sealing.SealedColumn:
    return sealing.SealedColumn(
        table, column, "c.person_id", join="JOIN vetting_case c ON c.id = t.case_id"
    )


COLUMNS = (
    _column("vetting_explanation", "text"),
    _column("vetting_appeal", "grounds"),
    _column("vetting_caseconclusion", "facts"),
)


def _seal(apps, schema_editor):
    sealing.seal_columns(schema_editor, *COLUMNS)


def _open(apps, schema_editor):
    sealing.open_columns(schema_editor, *COLUMNS)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_sealed_fields"),
        ("vetting", "0006_case_document_classification"),
    ]

    operations = [
        migrations.AlterField(
            model_name="appeal",
            name="grounds",
            field=bvct.core.fields.SealedTextField(
                dossier="case.person_id", verbose_name="grounds"
            ),
        ),
        migrations.AlterField(
            model_name="caseconclusion",
            name="facts",
            field=bvct.core.fields.SealedTextField(
                dossier="case.person_id", verbose_name="facts relied on"
            ),
        ),
        migrations.AlterField(
            model_name="explanation",
            name="text",
            field=bvct.core.fields.SealedTextField(
                dossier="case.person_id", verbose_name="explanation"
            ),
        ),
        migrations.RunPython(_seal, _open),
    ]
