"""Change tracking on the check-in table for the memory tracing engine
(fangkong.analytics.sql_change_tracking): revision index, removals table and triggers.

Like the tracing index (0002), the DDL comes from the engine that reads it.
"""

from django.db import migrations

from fangkong.analytics.sql_change_tracking import (
    change_tracking_statements,
    drop_change_tracking_statements,
)


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    for statement in change_tracking_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    for statement in drop_change_tracking_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_investigations_contacts_tracing"),
        ("venues", "0005_checkin_revision"),
    ]

    operations = [migrations.RunPython(create, drop)]
