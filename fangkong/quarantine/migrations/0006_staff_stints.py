"""A site's closed-loop staff become shared closed-loop stints (facilities.ClosedLoopStint):
who, when in, when out and monitored until move to the stint, so that nobody is inside two
closed loops at once across quarantine sites and hospitals. The site, post and shift stay on
the staff row. Every row is copied before the columns are dropped; backwards copies them back.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F, Q


def _checked_now(schema_editor):
    # PostgreSQL refuses to alter a table with foreign-key checks still deferred from the
    # copy: run them now, before the columns are altered in the same transaction.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def staff_to_stints(apps, schema_editor):
    Stint = apps.get_model("facilities", "ClosedLoopStint")
    StaffMember = apps.get_model("quarantine", "StaffMember")
    # Oldest first: the one open stint a person may have is created after their closed ones.
    for member in (
        StaffMember.objects.filter(stint__isnull=True)
        .select_related("site")
        .order_by("entered_at", "pk")
        .iterator()
    ):
        member.stint = Stint.objects.create(
            person_id=member.person_id,
            workplace_kind="quarantine_site",
            workplace=member.site.name[:120],
            entered_at=member.entered_at,
            left_at=member.left_at,
            monitoring_ends_on=member.monitoring_ends_on,
            created_by_id=member.created_by_id,
        )
        member.save(update_fields=["stint"])
    _checked_now(schema_editor)


def stints_to_staff(apps, schema_editor):
    StaffMember = apps.get_model("quarantine", "StaffMember")
    for member in StaffMember.objects.select_related("stint").iterator():
        stint = member.stint
        member.person_id = stint.person_id
        member.entered_at = stint.entered_at
        member.left_at = stint.left_at
        member.monitoring_ends_on = stint.monitoring_ends_on
        member.created_by_id = stint.created_by_id
        member.stint = None
        member.save()
    apps.get_model("facilities", "ClosedLoopStint").objects.filter(
        workplace_kind="quarantine_site"
    ).delete()
    _checked_now(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("facilities", "0002_closed_loop_stints"),
        ("people", "0003_person_anonymised_at"),
        ("quarantine", "0005_samples_are_specimens"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="staffmember",
            name="stint",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="quarantine_staff",
                to="facilities.closedloopstint",
                verbose_name="闭环管理记录",
            ),
        ),
        # Nullable before the copy so that going backwards can add them again to a table
        # that has rows, then fill them.
        migrations.AlterField(
            model_name="staffmember",
            name="person",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="quarantine_staff_stints",
                to="people.person",
                verbose_name="人员",
            ),
        ),
        migrations.AlterField(
            model_name="staffmember",
            name="entered_at",
            field=models.DateTimeField(null=True, verbose_name="进入闭环时间"),
        ),
        migrations.RunPython(staff_to_stints, stints_to_staff),
        migrations.RemoveConstraint(model_name="staffmember", name="staff_one_open_stint"),
        migrations.RemoveConstraint(model_name="staffmember", name="staff_leaves_after_entering"),
        migrations.AlterModelOptions(
            name="staffmember",
            options={
                "ordering": ["site", "role", "stint__entered_at"],
                "verbose_name": "工作人员",
                "verbose_name_plural": "工作人员",
            },
        ),
        migrations.RemoveField(model_name="staffmember", name="person"),
        migrations.RemoveField(model_name="staffmember", name="entered_at"),
        migrations.RemoveField(model_name="staffmember", name="left_at"),
        migrations.RemoveField(model_name="staffmember", name="monitoring_ends_on"),
        migrations.RemoveField(model_name="staffmember", name="created_by"),
        migrations.AlterField(
            model_name="staffmember",
            name="stint",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="quarantine_staff",
                to="facilities.closedloopstint",
                verbose_name="闭环管理记录",
            ),
        ),
    ]
