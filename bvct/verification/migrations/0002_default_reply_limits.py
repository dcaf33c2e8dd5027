from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from bvct.verification.defaults import seed_default_reply_limits  # noqa: PLC0415

    seed_default_reply_limits(apps.get_model("verification", "ReplyLimit"))


class Migration(migrations.Migration):
    dependencies = [("verification", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
