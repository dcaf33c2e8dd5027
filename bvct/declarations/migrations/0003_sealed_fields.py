"""Field encryption: the content of every lý lịch version, under the person's data key.

Submitted versions are immutable (0002's triggers): the guard is lifted while the rows are
encrypted and put back after (on SQLite the table rebuild of the ALTER drops it anyway), with one
narrow change: a row whose content is still the empty placeholder may be updated. A new row is
inserted with that placeholder and its sealed content (bound to the new row id) written at once in
the same transaction (`bvct.core.fields.SealedModel`); a real sealed value is never empty, so no
stored submitted version can change.
"""

import importlib

import bvct.core.fields
from django.db import migrations

from bvct.core import sealing


GUARD = importlib.import_module("bvct.declarations.migrations.0002_submitted_immutable")

COLUMNS = (
    sealing.SealedColumn("declarations_declaration", "content", "t.person_id", is_json=True),
)


def _guard_off(apps, schema_editor):
    GUARD._run({"sqlite": GUARD.SQLITE_BACKWARD, "postgresql": GUARD.POSTGRES_BACKWARD})(
        apps, schema_editor
    )


def _guard_on(apps, schema_editor):
    GUARD._run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD})(apps, schema_editor)


def _old_guard_on(apps, schema_editor):
    GUARD._run({"sqlite": GUARD.SQLITE_FORWARD, "postgresql": GUARD.POSTGRES_FORWARD})(
        apps, schema_editor
    )


SQLITE_FORWARD = [
    f"""CREATE TRIGGER declaration_submitted_no_update BEFORE UPDATE ON {GUARD.TABLE}
    FOR EACH ROW WHEN OLD.status = 'submitted' AND OLD.content <> ''
    BEGIN SELECT RAISE(ABORT, 'a submitted declaration is immutable'); END""",
]
POSTGRES_FORWARD = [
    GUARD.POSTGRES_FORWARD[0],
    f"""CREATE TRIGGER declaration_submitted_immutable BEFORE UPDATE OR DELETE ON {GUARD.TABLE}
    FOR EACH ROW WHEN (OLD.status = 'submitted' AND OLD.content <> '')
    EXECUTE FUNCTION declaration_submitted_immutable()""",
]


def _seal(apps, schema_editor):
    sealing.seal_columns(schema_editor, *COLUMNS)


def _open(apps, schema_editor):
    sealing.open_columns(schema_editor, *COLUMNS)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_sealed_fields"),
        ("declarations", "0002_submitted_immutable"),
    ]

    operations = [
        migrations.RunPython(_guard_off, _old_guard_on),
        migrations.AlterField(
            model_name="declaration",
            name="content",
            field=bvct.core.fields.SealedJSONField(
                default=dict, dossier="person_id", verbose_name="content"
            ),
        ),
        migrations.RunPython(_seal, _open),
        migrations.RunPython(_guard_on, _guard_off),
    ]
