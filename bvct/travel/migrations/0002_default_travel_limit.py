import datetime

from django.db import migrations

BASIS = (
    "Tham chiếu HD 01-HD/BTCTW (2022): báo cáo chậm nhất 7 ngày làm việc sau khi về nước "
    "(chưa đối chiếu văn bản gốc; có thể sửa)"
)


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    limit = apps.get_model("travel", "TravelLimit")
    limit.objects.get_or_create(
        valid_from=datetime.date(2022, 8, 5), defaults={"working_days": 7, "legal_basis": BASIS}
    )


class Migration(migrations.Migration):
    dependencies = [("travel", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
