"""The check-in table partitioned by day of check-in on PostgreSQL (issue 16); SQLite keeps one
table and only the unique record constraint changes.

The unique record constraint takes check_in (a unique index of a partitioned table must
hold its partition key); on SQLite too, so both databases agree with the model. On
PostgreSQL the table is then rebuilt (fangkong.venues.checkin_partitions): a new table
PARTITION BY RANGE (check_in) with key (id, check_in), a partition for every day that has
rows and for today and the days ahead, a DEFAULT partition, the rows copied in, the id
sequence going on where it stopped, the foreign keys, the model's indexes (declared on the
parent, so on every partition), the tracing index and the change tracking. Backwards it
copies the rows into one plain table again.

The copy holds the table locked for as long as it takes (minutes at tens of millions of
rows): run it in a maintenance window.
"""

import datetime as dt

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from fangkong.venues.checkin_partitions import checkin_table_partition, checkin_table_unpartition
from fangkong.venues.checkin_table import checkin_table


# The days ahead made at migration time; afterwards the job venues.checkin_partitions_ahead
# keeps FANGKONG_CHECKIN_PARTITIONS_AHEAD_DAYS ready.
def _days(schema_editor, table):  # type: ignore[no-untyped-def]
    zone = timezone.get_default_timezone()
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT (\"{table.check_in}\" AT TIME ZONE '{settings.TIME_ZONE}')::date "
            f'FROM "{table.table}"'
        )
        held = {row[0] for row in cursor.fetchall()}
    today = timezone.localdate()
    ahead = settings.FANGKONG_CHECKIN_PARTITIONS_AHEAD_DAYS
    days = held | {today + dt.timedelta(days=n) for n in range(ahead + 1)}
    return [
        (
            day,
            dt.datetime.combine(day, dt.time(0), tzinfo=zone),
            dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone),
        )
        for day in sorted(days)
    ]


def partition(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("venues", "CheckIn")
    checkin_table_partition(schema_editor, model, _days(schema_editor, checkin_table(model)))


def unpartition(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    checkin_table_unpartition(schema_editor, apps.get_model("venues", "CheckIn"))


class Migration(migrations.Migration):
    dependencies = [
        ("venues", "0007_checkin_table_owned"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="checkin",
            name="checkin_unique_source_record",
        ),
        migrations.AddConstraint(
            model_name="checkin",
            constraint=models.UniqueConstraint(
                condition=models.Q(("source_record_id__isnull", False)),
                fields=("source", "source_record_id", "check_in"),
                name="checkin_unique_source_record",
            ),
        ),
        migrations.RunPython(partition, unpartition),
    ]
