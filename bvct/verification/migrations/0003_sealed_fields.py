"""Field encryption: the reply text of verification requests, under the subject's data key."""

import bvct.core.fields
from django.db import migrations

from bvct.core import sealing


COLUMNS = (
    sealing.SealedColumn(
        "verification_verificationrequest",
        "reply_text",
        "c.person_id",
        join="JOIN vetting_case c ON c.id = t.case_id",
    ),
)


def _seal(apps, schema_editor):
    sealing.seal_columns(schema_editor, *COLUMNS)


def _open(apps, schema_editor):
    sealing.open_columns(schema_editor, *COLUMNS)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_sealed_fields"),
        ("verification", "0002_default_reply_limits"),
    ]

    operations = [
        migrations.AlterField(
            model_name="verificationrequest",
            name="reply_text",
            field=bvct.core.fields.SealedTextField(
                blank=True, dossier="case.person_id", verbose_name="content of the reply"
            ),
        ),
        migrations.RunPython(_seal, _open),
    ]
