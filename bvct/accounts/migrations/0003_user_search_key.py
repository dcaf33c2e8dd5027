from django.db import migrations, models

from bvct.core.text import fold


def fill_search_key(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.only("pk", "full_name", "username").iterator():
        User.objects.filter(pk=user.pk).update(search_key=fold(f"{user.full_name} {user.username}"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="search_key",
            field=models.CharField(
                blank=True, db_index=True, default="", editable=False, max_length=320
            ),
        ),
        migrations.RunPython(fill_search_key, migrations.RunPython.noop),
    ]
