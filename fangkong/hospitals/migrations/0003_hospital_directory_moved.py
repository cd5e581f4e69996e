"""The directory of hospitals has moved to `facilities` (facilities/0001): this area's foreign
keys point there, and `hospitals.Hospital` leaves the state. State only for the schema: the
table `hospitals_hospital` and its rows are the moved model's.

Three stored labels follow the model: the content type (its permissions, admin log entries,
alert and task subjects hang on its id, which stays); the audit trail's object_type, which
`AuditEvent.for_object` matches against the model's label; and the de-duplication key of
alerts about a hospital (`kind:hospitals.hospital:pk`), so that an alert raised again finds the
open one instead of opening a second.
"""

import django.db.models.deletion
from django.db import migrations, models

OLD, NEW = ('hospitals', 'hospital'), ('facilities', 'hospital')


def _relabel(apps, schema_editor, source, target):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    AuditEvent = apps.get_model('core', 'AuditEvent')
    Alert = apps.get_model('alerts', 'Alert')
    using = schema_editor.connection.alias
    old, new = '.'.join(source), '.'.join(target)
    types = ContentType.objects.db_manager(using)
    # A database that never had the old content type (built from empty) gets the new one
    # from post_migrate; one that already has both keeps the new one and leaves the stale row.
    if not types.filter(app_label=target[0], model=target[1]).exists():
        types.filter(app_label=source[0], model=source[1]).update(app_label=target[0])
    types.clear_cache()
    AuditEvent.objects.using(using).filter(object_type=old).update(object_type=new)
    for alert in Alert.objects.using(using).filter(dedupe_key__contains=old + ':'):
        parts = alert.dedupe_key.split(':')
        alert.dedupe_key = ':'.join(new if part == old else part for part in parts)
        alert.save(update_fields=['dedupe_key'])


def forwards(apps, schema_editor):
    _relabel(apps, schema_editor, OLD, NEW)


def backwards(apps, schema_editor):
    _relabel(apps, schema_editor, NEW, OLD)


def _to_directory(related_name):
    return models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name=related_name, to='facilities.hospital', verbose_name='医院')


class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0001_initial'),
        ('cases', '0006_hospital_directory_moved'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0001_initial'),
        ('facilities', '0001_hospital_directory'),
        ('hospitals', '0002_wards_patients_supplies_staff'),
        ('quarantine', '0004_hospital_directory_moved'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(model_name='ward', name='hospital', field=_to_directory('wards')),
                migrations.AlterField(model_name='staffmember', name='hospital', field=_to_directory('staff')),
                migrations.AlterField(model_name='exposureincident', name='hospital', field=_to_directory('exposure_incidents')),
                migrations.AlterField(model_name='stock', name='hospital', field=_to_directory('stocks')),
                migrations.AlterField(model_name='admission', name='hospital', field=_to_directory('admissions')),
                migrations.DeleteModel(name='Hospital'),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
