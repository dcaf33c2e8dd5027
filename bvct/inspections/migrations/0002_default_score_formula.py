import datetime

from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from bvct.inspections.scoring import DEFAULT_BASIS  # noqa: PLC0415

    formula = apps.get_model("inspections", "ScoreFormula")
    formula.objects.get_or_create(
        valid_from=datetime.date(2025, 7, 1), defaults={"legal_basis": DEFAULT_BASIS}
    )


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
