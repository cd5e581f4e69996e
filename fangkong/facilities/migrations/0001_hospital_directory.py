"""The directory of hospitals moves down from the hospitals area to this shared app.

State only: the table `hospitals_hospital` (created by hospitals/0001) and its rows stay as
they are; from here on Django knows the model as `facilities.Hospital`. The foreign keys that
point at it are retargeted, and the old model removed from the state, by cases/0006,
quarantine/0004 and hospitals/0003.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('hospitals', '0001_initial'),
        ('jurisdictions', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Hospital',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120, unique=True, verbose_name='名称')),
                        ('kind', models.CharField(choices=[('designated', '定点医院'), ('reserve', '后备定点医院'), ('fangcang', '方舱医院')], default='designated', max_length=16, verbose_name='类型')),
                        ('status', models.CharField(choices=[('receiving', '收治中'), ('standby', '备用'), ('full', '满员')], default='receiving', max_length=16, verbose_name='状态')),
                        ('address', models.CharField(blank=True, max_length=200, verbose_name='地址')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='登记时间')),
                        ('jurisdiction', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='hospitals', to='jurisdictions.jurisdiction', verbose_name='所属辖区')),
                        ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='hospitals', to='jurisdictions.responsibleunit', verbose_name='责任单位')),
                    ],
                    options={
                        'verbose_name': '定点医院',
                        'verbose_name_plural': '定点医院',
                        'ordering': ['kind', 'name'],
                        'db_table': 'hospitals_hospital',
                    },
                ),
            ],
        ),
    ]
