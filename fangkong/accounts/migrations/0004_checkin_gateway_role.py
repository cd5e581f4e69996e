from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_migrate_authtoken_keys"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="role",
            field=models.CharField(
                blank=True,
                choices=[
                    ("hq_admin", "市指挥部"),
                    ("district_officer", "区县防控办"),
                    ("site_staff", "隔离点工作人员"),
                    ("hospital_staff", "医院工作人员"),
                    ("doctor", "医生"),
                    ("investigator", "流调人员"),
                    ("inspector", "督查人员"),
                    ("unit_reporter", "单位填报员"),
                    ("venue_manager", "场所负责人"),
                    ("leader", "领导（只读）"),
                    ("checkin_gateway", "扫码网关（设备）"),
                ],
                max_length=32,
                verbose_name="角色",
            ),
        ),
    ]
