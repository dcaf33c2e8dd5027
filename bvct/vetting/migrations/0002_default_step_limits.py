"""Seed the default time limits (bvct/vetting/defaults.py). Later changes are new rows."""

from django.db import migrations

from bvct.vetting.defaults import DEFAULT_LIMITS


def seed(apps, schema_editor):
    StepLimit = apps.get_model("vetting", "StepLimit")
    for row in DEFAULT_LIMITS:
        StepLimit.objects.get_or_create(
            case_type=row.case_type,
            status=row.status,
            purpose=row.purpose,
            valid_from=row.valid_from,
            defaults={
                "working_days": row.working_days,
                "max_extension_days": row.max_extension_days,
                "max_extensions": row.max_extensions,
                "legal_basis": row.legal_basis,
                "is_statutory": row.is_statutory,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("vetting", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
