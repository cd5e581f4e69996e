"""The results section of a person's page: every specimen from every area, newest first."""

from __future__ import annotations

from django.http import HttpRequest

from fangkong.people.models import Person
from fangkong.people.panels import Panel
from fangkong.specimens.selectors import specimen_list_for_person

# The page lists the latest results; a person tested daily for months still gets a short page.
SHOWN = 100


def person_panel(request: HttpRequest, person: Person) -> Panel | None:
    specimens = list(specimen_list_for_person(viewer=request.user, person=person)[:SHOWN])
    if not specimens:
        return None
    return Panel("specimens/_person_panel.html", {"specimens": specimens})
