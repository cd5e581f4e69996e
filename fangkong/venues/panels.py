"""The check-in panel on a person's page: where they checked in lately."""

from __future__ import annotations

from django.http import HttpRequest

from fangkong.accounts.capabilities import user_can
from fangkong.core.conf import core_settings
from fangkong.people.models import Person
from fangkong.people.panels import Panel
from fangkong.venues.selectors.stays import person_stays_latest


def checkin_panel(request: HttpRequest, person: Person) -> Panel | None:
    if not user_can(request.user, "checkin.view"):
        return None
    # The latest stays may have moved to the day archive (older than the hot days).
    stays = person_stays_latest(person.pk, limit=core_settings().list_page_size)
    return Panel("venues/_person_checkins.html", {"stays": stays, "person": person})
