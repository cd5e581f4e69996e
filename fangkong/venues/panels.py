"""The check-in panel on a person's page: where they checked in lately."""

from __future__ import annotations

from django.http import HttpRequest

from fangkong.accounts.capabilities import user_can
from fangkong.core.conf import core_settings
from fangkong.people.models import Person
from fangkong.people.panels import Panel
from fangkong.venues.models import CheckIn


def checkin_panel(request: HttpRequest, person: Person) -> Panel | None:
    if not user_can(request.user, "checkin.view"):
        return None
    stays = (
        CheckIn.objects.filter(person=person)
        .select_related("venue")
        .order_by("-check_in")[: core_settings().list_page_size]
    )
    return Panel("venues/_person_checkins.html", {"stays": list(stays), "person": person})
