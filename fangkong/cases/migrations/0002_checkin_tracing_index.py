"""The covering index the SQL tracing engine reads (fangkong.analytics.sql_schema).

It lives with the tracing area because only tracing reads it; the DDL comes from the engine
itself, since SQLite uses an expression index only when the query's text matches it exactly.
"""

from django.db import migrations

from fangkong.analytics.sql_schema import tracing_index_statements

INDEX = "venues_checkin_trace_venue"


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    for statement in tracing_index_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("venues", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
