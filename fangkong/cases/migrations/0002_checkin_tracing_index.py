"""Once the tracing index on the check-in table; now venues/0007_checkin_table_owned creates
it (venues owns the table). Kept, empty, so that databases that applied it stay consistent.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("venues", "0001_initial"),
    ]

    operations = []  # see venues/0007_checkin_table_owned
