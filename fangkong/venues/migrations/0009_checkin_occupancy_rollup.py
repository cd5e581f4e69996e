"""Live occupancy kept as a running count on PostgreSQL (issue 16: the city's over-limit list
within 300 ms at 15 M stays a day): the count's three tables and the check-in table's
statement triggers that keep it (fangkong.venues.occupancy_rollup), then the count of the
rows already there, nothing folded (the job venues.checkin_occupancy folds it).

SQLite gets nothing: it counts stays. Nothing enters the migration state: the tables are read
and written by raw SQL only.
"""

from django.db import migrations

from fangkong.venues.checkin_table import checkin_table
from fangkong.venues.occupancy_rollup import (
    occupancy_rollup_rebuild,
    rollup_drop_statements,
    rollup_install_statements,
)


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    table = checkin_table(apps.get_model("venues", "CheckIn"))
    for statement in rollup_install_statements(table):
        schema_editor.execute(statement)
    occupancy_rollup_rebuild(fold_to=None)


def remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    table = checkin_table(apps.get_model("venues", "CheckIn"))
    for statement in rollup_drop_statements(table):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("venues", "0008_checkin_partitioned_by_day"),
    ]

    operations = [migrations.RunPython(install, remove)]
