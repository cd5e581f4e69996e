"""The hospital section of a person's page: their admissions and monitoring after discharge."""

from __future__ import annotations

from django.http import HttpRequest

from fangkong.accounts.capabilities import user_can
from fangkong.hospitals.selectors.patients import admission_list
from fangkong.people.models import Person
from fangkong.people.panels import Panel


def person_panel(request: HttpRequest, person: Person) -> Panel | None:
    if not user_can(request.user, "hospitals.view"):
        return None
    admissions = list(
        admission_list(viewer=request.user)
        .filter(person=person)
        .select_related("monitoring")
        .order_by("-admitted_at")
    )
    if not admissions:
        return None
    return Panel("hospitals/panels/person_panel.html", {"admissions": admissions})
