"""The itinerary entry's link to its check-in loses its database constraint: venues/0008
partitions the check-in table by day on PostgreSQL, whose key becomes (id, check_in), and a
foreign key cannot reference id alone there. Runs before venues/0008, which rebuilds the
table. The link is cleared when a day of check-ins is removed (cases/receivers.py)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_hospital_directory_moved"),
        ("venues", "0007_checkin_table_owned"),
    ]
    run_before = [("venues", "0008_checkin_partitioned_by_day")]

    operations = [
        migrations.AlterField(
            model_name="itineraryentry",
            name="checkin",
            field=models.OneToOneField(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="itinerary_entry",
                to="venues.checkin",
                verbose_name="扫码记录",
            ),
        ),
    ]
