"""Once the change tracking on the check-in table (revision index, removals table,
triggers); now venues/0007_checkin_table_owned installs it (venues owns the table). Kept,
empty, so that databases that applied it stay consistent.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_investigations_contacts_tracing"),
        ("venues", "0005_checkin_revision"),
    ]

    operations = []  # see venues/0007_checkin_table_owned
