"""Samples and closed-loop staff tests become specimens (采样): the swab's time, lab, result
and who recorded it move to a `specimens.Specimen` of the person, so a person's results are one
list across areas. Every existing row is copied before the columns are dropped."""

import django.db.models.deletion
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


def samples_to_specimens(apps, schema_editor):
    Specimen = apps.get_model("specimens", "Specimen")
    Sample = apps.get_model("quarantine", "Sample")
    StaffTest = apps.get_model("quarantine", "StaffTest")

    def specimen(purpose, person, place):
        def make(row):
            return Specimen(
                person_id=row[person],
                purpose=purpose,
                kind="nucleic_acid",
                place=row[place] or "",
                sampled_at=row["sampled_at"],
                lab=row["lab"],
                result=row["result"],
                result_at=row["result_at"],
                recorded_by_id=row["recorded_by_id"],
                created_at=row["sampled_at"],
            )

        return make

    swab = ("sampled_at", "lab", "result", "result_at", "recorded_by_id")
    _copy(
        Specimen,
        Sample.objects.all(),
        ("test__placement__person_id", "test__placement__room__site__name", *swab),
        specimen(
            "quarantine_observation",
            "test__placement__person_id",
            "test__placement__room__site__name",
        ),
    )
    _copy(
        Specimen,
        StaffTest.objects.all(),
        ("staff__person_id", "staff__site__name", *swab),
        specimen("staff_screening", "staff__person_id", "staff__site__name"),
    )
    _checked_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("quarantine", "0004_hospital_directory_moved"),
        ("specimens", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name='sample',
            name='specimen',
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='quarantine_sample', to='specimens.specimen', verbose_name='采样'),
        ),
        migrations.AddField(
            model_name='stafftest',
            name='specimen',
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='quarantine_staff_test', to='specimens.specimen', verbose_name='采样'),
        ),
        migrations.RunPython(samples_to_specimens, migrations.RunPython.noop, elidable=False),
        migrations.AlterModelOptions(
            name='sample',
            options={'ordering': ['specimen__sampled_at', 'pk'], 'verbose_name': '采样', 'verbose_name_plural': '采样'},
        ),
        migrations.AlterModelOptions(
            name='stafftest',
            options={'ordering': ['-specimen__sampled_at'], 'verbose_name': '工作人员核酸检测', 'verbose_name_plural': '工作人员核酸检测'},
        ),
        migrations.RemoveConstraint(
            model_name='sample',
            name='sample_one_per_lab',
        ),
        migrations.RemoveConstraint(
            model_name='sample',
            name='sample_result_has_time',
        ),
        migrations.RemoveConstraint(
            model_name='stafftest',
            name='staff_test_result_has_time',
        ),
        migrations.RemoveIndex(
            model_name='stafftest',
            name='staff_test_latest',
        ),
        migrations.RemoveField(
            model_name='sample',
            name='lab',
        ),
        migrations.RemoveField(
            model_name='sample',
            name='recorded_by',
        ),
        migrations.RemoveField(
            model_name='sample',
            name='result',
        ),
        migrations.RemoveField(
            model_name='sample',
            name='result_at',
        ),
        migrations.RemoveField(
            model_name='sample',
            name='sampled_at',
        ),
        migrations.RemoveField(
            model_name='stafftest',
            name='lab',
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
            name='result_at',
        ),
        migrations.RemoveField(
            model_name='stafftest',
            name='sampled_at',
        ),
        migrations.AlterField(
            model_name='sample',
            name='specimen',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='quarantine_sample', to='specimens.specimen', verbose_name='采样'),
        ),
        migrations.AlterField(
            model_name='stafftest',
            name='specimen',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='quarantine_staff_test', to='specimens.specimen', verbose_name='采样'),
        ),
    ]
