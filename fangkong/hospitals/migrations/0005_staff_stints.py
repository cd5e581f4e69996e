"""A hospital post's closed-loop periods become shared closed-loop stints
(facilities.ClosedLoopStint), so that nobody is inside two closed loops at once across
hospitals and quarantine sites. The status shown on the roster (in the loop, observation,
routine) and its start stay on the post; the post points at its latest stint.

Posts in the loop get an open stint from `closed_loop_since` (or the first day on duty when it
was never set), closed on the day they left the roster if they did; posts under observation
were in the loop until `closed_loop_since`, when they rotated out. A person with two open
stints (in one hospital's loop and one site's, which nothing refused before) is taken to have
moved from the earlier to the later: the earlier stint ends when the later began.
"""

import datetime as dt

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone


def _start_of(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _checked_now(schema_editor):
    # PostgreSQL refuses to alter a table with foreign-key checks still deferred from the
    # copy: run them now, in case a later migration alters these tables in this transaction.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def posts_to_stints(apps, schema_editor):
    Stint = apps.get_model("facilities", "ClosedLoopStint")
    StaffMember = apps.get_model("hospitals", "StaffMember")
    open_stints = {s.person_id: s for s in Stint.objects.filter(left_at__isnull=True)}
    posts = list(
        StaffMember.objects.filter(
            closed_loop__in=["in_loop", "observation"], stint__isnull=True
        ).select_related("hospital")
    )

    def entered(post):
        return post.closed_loop_since or _start_of(post.on_duty_since)

    for post in sorted(posts, key=lambda post: (entered(post), post.pk)):
        entered_at = entered(post)
        left_at = None
        if post.closed_loop == "observation":
            left_at = entered_at
        elif post.left_on is not None:
            left_at = max(entered_at, _start_of(post.left_on))
        earlier = open_stints.get(post.person_id) if left_at is None else None
        if earlier is not None:
            if earlier.entered_at <= entered_at:
                earlier.left_at = entered_at
                earlier.save(update_fields=["left_at"])
                del open_stints[post.person_id]
            else:
                left_at = earlier.entered_at
        post.stint = Stint.objects.create(
            person_id=post.person_id,
            workplace_kind="hospital",
            workplace=post.hospital.name[:120],
            entered_at=entered_at,
            left_at=left_at,
        )
        post.save(update_fields=["stint"])
        if left_at is None:
            open_stints[post.person_id] = post.stint
    _checked_now(schema_editor)


def stints_to_posts(apps, schema_editor):
    apps.get_model("hospitals", "StaffMember").objects.update(stint=None)
    apps.get_model("facilities", "ClosedLoopStint").objects.filter(
        workplace_kind="hospital"
    ).delete()
    _checked_now(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("facilities", "0002_closed_loop_stints"),
        ("hospitals", "0004_tests_are_specimens"),
        # Its stints are in place, so a person in both areas' loops is seen here.
        ("quarantine", "0006_staff_stints"),
    ]

    operations = [
        migrations.AddField(
            model_name="staffmember",
            name="stint",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="hospital_posts",
                to="facilities.closedloopstint",
                verbose_name="闭环管理记录",
            ),
        ),
        migrations.RunPython(posts_to_stints, stints_to_posts),
    ]
