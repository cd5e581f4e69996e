"""The migrations that make both areas' closed-loop staff shared stints keep every row: each
site stint becomes a stint, each hospital post in (or once in) the loop gets one, and a person
found inside two loops at once is taken to have moved to the later one.

These migrations move rows with the ORM (RunPython), the same code on both databases; the test
migrates a whole database back and forth (about a minute), so it runs once, in the PostgreSQL
pass of `make test`: PostgreSQL is the production database, where the migrations run for real.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("quarantine", "0005_samples_are_specimens"),
    ("hospitals", "0004_tests_are_specimens"),
    ("facilities", "0001_hospital_directory"),
]
AFTER = [
    ("quarantine", "0006_staff_stints"),
    ("hospitals", "0005_staff_stints"),
]
TZ = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2021, 7, 28, 8, 0, tzinfo=TZ)


def day(n: int) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _old_rows(apps):
    Jurisdiction = apps.get_model("jurisdictions", "Jurisdiction")
    Person = apps.get_model("people", "Person")
    city = Jurisdiction.objects.create(code="320200", name="无锡市", level="city", path="320200")
    people = {
        name: Person.objects.create(name=name, id_number=f"11010119880501{n:04d}")
        for n, name in enumerate(["甲", "乙", "丙", "丁", "戊", "己"])
    }
    site = apps.get_model("quarantine", "Site").objects.create(name="锡惠大酒店", jurisdiction=city)
    site_staff = apps.get_model("quarantine", "StaffMember")
    site_staff.objects.create(
        site=site, person=people["甲"], role="security", shift="day", entered_at=T0
    )
    site_staff.objects.create(
        site=site,
        person=people["乙"],
        role="medical",
        shift="night",
        entered_at=T0,
        left_at=day(5),
        monitoring_ends_on=day(19).date(),
    )
    hospital = apps.get_model("facilities", "Hospital").objects.create(
        name="无锡市第五人民医院", jurisdiction=city
    )
    posts = apps.get_model("hospitals", "StaffMember")

    def post(name, closed_loop, since=None, left_on=None, on_duty=None):
        return posts.objects.create(
            hospital=hospital,
            person=people[name],
            role="nurse",
            closed_loop=closed_loop,
            closed_loop_since=since,
            on_duty_since=on_duty or T0.date(),
            left_on=left_on,
        )

    post("丙", "in_loop", day(1))
    post("丁", "observation", day(2))
    post("戊", "routine", day(2))
    post("甲", "in_loop", day(3))  # also inside the site's loop since T0
    post("己", "in_loop", day(1), left_on=day(4).date())
    post("己", "in_loop", None, on_duty=day(6).date())
    return people


def _start_of(n: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day(n).date(), dt.time.min))


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_migrating_gives_every_closed_loop_stint_one_shared_stint_and_back():
    try:
        people = _old_rows(_migrate(BEFORE))
        new = _migrate(AFTER)
        stint_model = new.get_model("facilities", "ClosedLoopStint")
        stints = {
            (s.person_id, s.workplace_kind, s.workplace, s.entered_at, s.left_at)
            for s in stint_model.objects.all()
        }
        who = {name: person.pk for name, person in people.items()}
        site, no5 = ("quarantine_site", "锡惠大酒店"), ("hospital", "无锡市第五人民医院")
        assert stints == {
            (who["甲"], *site, T0, day(3)),  # moved on to the hospital's loop
            (who["乙"], *site, T0, day(5)),
            (who["丙"], *no5, day(1), None),
            (who["丁"], *no5, day(2), day(2)),
            (who["甲"], *no5, day(3), None),
            (who["己"], *no5, day(1), _start_of(4)),
            (who["己"], *no5, _start_of(6), None),
        }
        site_staff = new.get_model("quarantine", "StaffMember")
        rotated = site_staff.objects.select_related("stint").get(stint__person_id=who["乙"])
        assert (rotated.role, rotated.shift) == ("medical", "night")
        assert rotated.stint.monitoring_ends_on == day(19).date()
        posts = new.get_model("hospitals", "StaffMember")
        assert posts.objects.count() == 6
        assert not posts.objects.filter(person_id=who["戊"], stint__isnull=False).exists()
        assert posts.objects.get(person_id=who["丙"]).closed_loop == "in_loop"

        old = _migrate(BEFORE)
        site_staff = old.get_model("quarantine", "StaffMember")
        assert sorted(
            site_staff.objects.values_list("person_id", "entered_at", "left_at", "role")
        ) == sorted([(who["甲"], T0, day(3), "security"), (who["乙"], T0, day(5), "medical")])
        assert old.get_model("hospitals", "StaffMember").objects.count() == 6
    finally:
        _latest()
