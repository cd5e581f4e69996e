"""Hospital staff tests and patients' nucleic-acid tests become specimens (采样): the swab's
time, result, Ct values and lab move to a `specimens.Specimen` of the person, so a person's
results are one list across areas. An imaging examination has no specimen. Every existing row
is copied before the columns are dropped; a result's time, not stored before, is taken as the
sampling time, as the services do for new results."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# Rows are copied in chunks: a city's year of sampling rounds is hundreds of thousands of swabs.
CHUNK = 2000


def _link(specimen_model, model, rows, specimens):
    made = specimen_model.objects.bulk_create(specimens)
    model.objects.bulk_update(
        [model(pk=row["pk"], specimen_id=s.pk) for row, s in zip(rows, made, strict=True)],
        ["specimen"],
        batch_size=500,
    )


def _copy(specimen_model, queryset, values, make):
    """Give every row of `queryset` without a specimen one made from its values by `make`."""
    last = 0
    while True:
        rows = list(
            queryset.filter(pk__gt=last, specimen__isnull=True).order_by("pk").values("pk", *values)[
                :CHUNK
            ]
        )
        if not rows:
            return
        _link(specimen_model, queryset.model, rows, [make(row) for row in rows])
        last = rows[-1]["pk"]


def _checked_now(schema_editor):
    # PostgreSQL refuses to alter a table with foreign-key checks still deferred from the
    # copy: run them now, before the columns are dropped in the same transaction.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def tests_to_specimens(apps, schema_editor):
    Specimen = apps.get_model("specimens", "Specimen")
    StaffTest = apps.get_model("hospitals", "StaffTest")
    ClinicalTest = apps.get_model("hospitals", "ClinicalTest")

    def screening(row):
        return Specimen(
            person_id=row["staff__person_id"],
            purpose="staff_screening",
            kind="nucleic_acid",
            place=row["staff__hospital__name"] or "",
            sampled_at=row["sampled_at"],
            result=row["result"],
            result_at=row["sampled_at"],
            recorded_by_id=row["recorded_by_id"],
            created_at=row["sampled_at"],
        )

    def clinical(row):
        return Specimen(
            person_id=row["admission__person_id"],
            purpose="clinical",
            kind="nucleic_acid",
            place=row["admission__hospital__name"] or "",
            sampled_at=row["sampled_at"],
            lab=row["laboratory"],
            result=row["result"],
            result_at=row["sampled_at"],
            ct_n=row["ct_n"],
            ct_orf1ab=row["ct_orf1ab"],
            recorded_by_id=row["recorded_by_id"],
            created_at=row["recorded_at"],
        )

    _copy(
        Specimen,
        StaffTest.objects.all(),
        ("staff__person_id", "staff__hospital__name", "sampled_at", "result", "recorded_by_id"),
        screening,
    )
    nucleic = ClinicalTest.objects.filter(kind="nucleic_acid")
    _copy(
        Specimen,
        nucleic,
        (
            "admission__person_id",
            "admission__hospital__name",
            "sampled_at",
            "result",
            "ct_n",
            "ct_orf1ab",
            "laboratory",
            "recorded_by_id",
            "recorded_at",
        ),
        clinical,
    )
    # The lab of a nucleic-acid test is its specimen's from now on.
    nucleic.exclude(laboratory="").update(laboratory="")
    _checked_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("hospitals", "0003_hospital_directory_moved"),
        ("specimens", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='clinicaltest',
            name='specimen',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='clinical_test', to='specimens.specimen', verbose_name='采样'),
        ),
        migrations.AddField(
            model_name='stafftest',
            name='specimen',
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='hospital_staff_test', to='specimens.specimen', verbose_name='采样'),
        ),
        migrations.RunPython(tests_to_specimens, migrations.RunPython.noop, elidable=False),
        migrations.RemoveConstraint(
            model_name='clinicaltest',
            name='clinical_test_nucleic_acid_has_result',
        ),
        migrations.RemoveIndex(
            model_name='stafftest',
            name='staff_test_at',
        ),
        migrations.RemoveField(
            model_name='clinicaltest',
            name='ct_n',
        ),
        migrations.RemoveField(
            model_name='clinicaltest',
            name='ct_orf1ab',
        ),
        migrations.RemoveField(
            model_name='clinicaltest',
            name='result',
        ),
        migrations.RemoveField(
            model_name='stafftest',
            name='recorded_by',
        ),
        migrations.RemoveField(
            model_name='stafftest',
            name='result',
        ),
        migrations.RemoveField(
            model_name='stafftest',
            name='sampled_at',
        ),
        migrations.AlterField(
            model_name='stafftest',
            name='specimen',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='hospital_staff_test', to='specimens.specimen', verbose_name='采样'),
        ),
        migrations.AddConstraint(
            model_name='clinicaltest',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'nucleic_acid'), ('specimen__isnull', False)), models.Q(models.Q(('kind', 'nucleic_acid'), _negated=True), ('specimen__isnull', True)), _connector='OR'), name='clinical_test_nucleic_acid_has_specimen'),
        ),
    ]
