from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from bvct.privacy.defaults import seed_defaults  # noqa: PLC0415

    seed_defaults(
        apps.get_model("privacy", "SubjectRequestKind"),
        apps.get_model("privacy", "SubjectRequestLimit"),
    )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
