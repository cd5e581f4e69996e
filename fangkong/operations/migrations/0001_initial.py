# The job runner's record moved here from the command area. Its table, command_jobrun, was
# created by command/0001 and keeps its rows: this migration takes the model into this app's
# state only, and command/0004_jobs_moved drops it from the command's state.

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='JobRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=80, verbose_name='任务')),
                        ('started_at', models.DateTimeField(verbose_name='开始时间')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='结束时间')),
                        ('done', models.PositiveIntegerField(default=0, verbose_name='处理数')),
                        ('error', models.TextField(blank=True, verbose_name='错误')),
                    ],
                    options={
                        'verbose_name': '定时任务记录',
                        'verbose_name_plural': '定时任务记录',
                        'db_table': 'command_jobrun',
                        'indexes': [models.Index(fields=['name', 'started_at'], name='jobrun_name_start')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
