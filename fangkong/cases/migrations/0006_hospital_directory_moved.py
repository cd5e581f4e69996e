"""A case's reporting hospital now points at the shared directory (facilities/0001).

State only: the column and its constraint already point at the table `hospitals_hospital`,
which the moved model keeps.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0005_trace_requests'),
        ('facilities', '0001_hospital_directory'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='case',
                    name='reporting_hospital',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reported_cases', to='facilities.hospital', verbose_name='报告医院'),
                ),
            ],
        ),
    ]
