# The job runner's record (JobRun) now belongs to the shared operations app, which took it
# into its state in operations/0001; the table command_jobrun and its rows stay as they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('command', '0003_figure_snapshots'),
        ('operations', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='JobRun')],
            database_operations=[],
        ),
    ]
