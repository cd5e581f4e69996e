"""A transfer's destination hospital now points at the shared directory (facilities/0001).

State only: the column and its constraint already point at the table `hospitals_hospital`,
which the moved model keeps.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('facilities', '0001_hospital_directory'),
        ('quarantine', '0003_seed_observation_schemes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='transfer',
                    name='hospital',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='incoming_transfers', to='facilities.hospital', verbose_name='转往医院'),
                ),
            ],
        ),
    ]
