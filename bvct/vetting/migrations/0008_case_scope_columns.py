"""The case's scope on its own row (`bvct.vetting.scope`): the subject's, the holding unit's and
the competent unit's tree paths and the subject's classification, filled for every existing case
by one set-based UPDATE (correlated lookups by primary key), then the indexes of the scope and of
the list order, built once the rows are written."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def fill_scope(apps, schema_editor):  # type: ignore[no-untyped-def]
    case = apps.get_model("vetting", "Case")
    person = apps.get_model("people", "Person")
    unit = apps.get_model("orgs", "OrgUnit")
    subject = person.objects.order_by().filter(pk=OuterRef("person_id"))

    def path_of(field):  # type: ignore[no-untyped-def]
        return Subquery(unit.objects.order_by().filter(pk=OuterRef(field)).values("path")[:1])

    case.objects.using(schema_editor.connection.alias).update(
        subject_path=Subquery(subject.values("org_unit__path")[:1]),
        subject_classification=Subquery(subject.values("classification")[:1]),
        holding_path=path_of("holding_unit_id"),
        competent_path=Coalesce(path_of("competent_unit_id"), Value("")),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0001_initial"),
        ("people", "0005_sealed_fields"),
        ("vetting", "0007_sealed_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="subject_path",
            field=models.CharField(default="", editable=False, max_length=255),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="case",
            name="holding_path",
            field=models.CharField(default="", editable=False, max_length=255),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="case",
            name="competent_path",
            field=models.CharField(blank=True, default="", editable=False, max_length=255),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="case",
            name="subject_classification",
            field=models.PositiveSmallIntegerField(default=3, editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(fill_scope, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["-opened_at", "-id"], name="case_opened_idx"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["status", "-opened_at", "-id"], name="case_status_opened_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["subject_path"], name="case_subject_path_idx"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["holding_path"], name="case_holding_path_idx"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["competent_path"], name="case_competent_path_idx"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=[
                    "closed_at",
                    "subject_classification",
                    "subject_path",
                    "holding_path",
                    "competent_path",
                ],
                name="case_scope_idx",
            ),
        ),
    ]
