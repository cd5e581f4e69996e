"""The tracing section of a person's page: their case, the lists they are on, and records
that may be the same person (with the merge)."""

from __future__ import annotations

from django.http import HttpRequest

from fangkong.accounts.capabilities import user_can
from fangkong.cases.selectors.cases import case_list
from fangkong.cases.selectors.contacts import contact_list, with_identities
from fangkong.cases.selectors.duplicates import possible_duplicates
from fangkong.people.models import Person
from fangkong.people.panels import Panel


def person_panel(request: HttpRequest, person: Person) -> Panel | None:
    viewer = request.user
    if not user_can(viewer, "cases.view"):
        return None
    case = case_list(viewer=viewer).filter(person=person).first()
    records = with_identities(
        viewer=viewer,
        contacts=contact_list(viewer=viewer)
        .filter(person=person)
        .order_by("-identified_at", "-pk")[:20],
    )
    duplicates = (
        possible_duplicates(viewer=viewer, person=person)
        if user_can(viewer, "person.merge")
        else []
    )
    if case is None and not records and not duplicates:
        return None
    return Panel(
        "cases/_person_panel.html",
        {"person": person, "case": case, "records": records, "duplicates": duplicates},
    )
