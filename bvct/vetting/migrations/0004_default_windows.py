"""Seed the default explanation and appeal windows (bvct/vetting/defaults.py)."""

from django.db import migrations

from bvct.vetting.defaults import DEFAULT_WINDOWS


def seed(apps, schema_editor):
    WindowLimit = apps.get_model("vetting", "WindowLimit")
    for row in DEFAULT_WINDOWS:
        WindowLimit.objects.get_or_create(
            kind=row.kind,
            case_type=row.case_type,
            valid_from=row.valid_from,
            defaults={
                "days": row.days,
                "working_days": row.working_days,
                "legal_basis": row.legal_basis,
                "is_statutory": row.is_statutory,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("vetting", "0003_phase2_documents_due_process")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
