from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from bvct.registers.defaults import seed_default_periods  # noqa: PLC0415

    seed_default_periods(apps.get_model("registers", "ProtectionPeriod"))


class Migration(migrations.Migration):
    dependencies = [("registers", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
