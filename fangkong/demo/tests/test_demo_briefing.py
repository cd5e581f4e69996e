"""The daily briefing of the demo city, read against the rows it summarises.

Each area tests its own section; this test builds the whole city once and checks that the
sections, put together by the command area, say what the tables of every area hold.
"""

import datetime as dt

import pytest
from django.db.models import Q
from django.utils import timezone

from fangkong.cases.models import Case, CaseClassification
from fangkong.command.daily_briefing import briefing_build
from fangkong.hospitals.models import Admission
from fangkong.quarantine.models import Placement, SiteStatus
from fangkong.venues.models import Venue

DEMO_DAY = dt.date(2021, 8, 5)


@pytest.mark.django_db
def test_the_briefing_of_the_demo_city_says_what_every_areas_tables_hold(load_demo_miniature):
    # Given the miniature demo city on its own day
    load_demo_miniature(today=DEMO_DAY)
    day_end = timezone.make_aware(dt.datetime.combine(DEMO_DAY + dt.timedelta(days=1), dt.time()))
    at_day_end = Q(ended_at__isnull=True) | Q(ended_at__gt=day_end)

    # When the command area builds that day's briefing
    briefing = briefing_build(day=DEMO_DAY)

    # Then every area has its section, and the headline figures are the rows' own counts
    sections = {section.key for section in briefing.sections}
    assert {"quarantine", "hospitals", "cases", "venues"} <= sections
    figures = {f.key: f.value for section in briefing.sections for f in section.figures}
    in_sites = (
        Placement.objects.filter(starts_at__lte=day_end)
        .filter(at_day_end)
        .exclude(room__site__status=SiteStatus.CLOSED)
    )
    in_hospital = Admission.objects.filter(admitted_at__lte=day_end).filter(at_day_end)
    infected = Case.objects.filter(
        classification__in=[CaseClassification.CONFIRMED, CaseClassification.ASYMPTOMATIC],
        detected_at__lte=day_end,
    )
    assert figures["quarantine.people_now"] == in_sites.count() > 0
    assert figures["hospitals.patients"] == in_hospital.count() > 0
    assert figures["cases.infected_total"] == infected.count() > 0
    assert figures["venues.total"] == Venue.objects.count() > 0
