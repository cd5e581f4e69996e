"""The tracing index and the change tracking of the check-in table, installed by the area that
owns the table (fangkong.venues.checkin_table) instead of cases/0002 and cases/0004.

Those two migrations are empty now. A database created before this change already has what
they made and their records; there this migration runs once (it is new) and, its
statements being idempotent, leaves the index, the removals table and its rows as they
are and installs the triggers again from the same text. A new database gets everything from
here. Nothing enters the migration state: the index is an expression Django cannot declare
in the model's Meta (SQLite needs the query's exact text), and the removals table is read
by raw SQL only.
"""

from django.db import migrations

from fangkong.venues.checkin_table import (
    checkin_table,
    drop_tracing_support_statements,
    tracing_support_statements,
)


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    table = checkin_table(apps.get_model("venues", "CheckIn"))
    for statement in tracing_support_statements(schema_editor.connection.vendor, table):
        schema_editor.execute(statement)


def remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    table = checkin_table(apps.get_model("venues", "CheckIn"))
    for statement in drop_tracing_support_statements(schema_editor.connection.vendor, table):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("venues", "0006_visitor_passes"),
    ]

    operations = [migrations.RunPython(install, remove)]
