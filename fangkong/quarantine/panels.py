"""The quarantine section of a person's page: their placements, newest first."""

from __future__ import annotations

from django.http import HttpRequest

from fangkong.accounts.capabilities import user_can
from fangkong.people.models import Person
from fangkong.people.panels import Panel
from fangkong.quarantine.selectors.sites import placement_list


def person_panel(request: HttpRequest, person: Person) -> Panel | None:
    if not user_can(request.user, "quarantine.view"):
        return None
    placements = list(
        placement_list(viewer=request.user).filter(person=person).order_by("-starts_at")[:20]
    )
    if not placements:
        return None
    return Panel("quarantine/_person_panel.html", {"placements": placements})
