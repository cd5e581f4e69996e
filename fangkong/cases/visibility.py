"""Who sees which cases, contacts and persons.

Cases belong to the jurisdiction that runs them; a viewer sees the cases of their part of
the city, and the contacts of those cases wherever the contacts live (a district traces its
case's contacts across the city), plus the contacts who live in their part of the city,
whose control is theirs (属地). Persons follow: the person of a visible case, and a person
an investigator has confirmed as a contact of one, is visible to whoever may see that case.

A proposed contact opens nothing: a trace proposes everyone who shared a venue with the case,
wherever they live, and a district's one trace of a busy venue would otherwise open most of
the city's records. Until confirmed, such a person is shown on the case's list masked
(cases.identities) to viewers who may not see them for another reason.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from fangkong.accounts.capabilities import user_can
from fangkong.accounts.scope import scope_of


def case_scope_q(viewer: Any) -> Q:
    if not user_can(viewer, "cases.view"):
        return Q(pk__in=[])
    scope = scope_of(viewer)
    if scope.city_wide:
        return Q()
    return scope.jurisdiction_q("jurisdiction") | (
        Q(jurisdiction__isnull=True) & scope.jurisdiction_q("person__home_jurisdiction")
    )


def contact_scope_q(viewer: Any) -> Q:
    from fangkong.cases.models import Case

    if not user_can(viewer, "cases.view"):
        return Q(pk__in=[])
    scope = scope_of(viewer)
    if scope.city_wide:
        return Q()
    cases = Case.objects.filter(case_scope_q(viewer)).values("pk")
    return Q(case__in=cases) | scope.jurisdiction_q("person__home_jurisdiction")


def contacts_of_cases_in_scope(viewer: Any) -> Q | None:
    """A person visibility rule (people.visibility): the persons of visible cases and their
    confirmed contacts. The person a confirmed contact came through is one of these (the
    case's person, or a confirmed close contact: contact_add checks it), or stays closed."""
    from fangkong.cases.models import Case, Contact

    if not user_can(viewer, "cases.view"):
        return None
    cases = Case.objects.filter(case_scope_q(viewer))
    confirmed = Contact.objects.confirmed().filter(case__in=cases.values("pk"))
    return Q(pk__in=cases.values("person_id")) | Q(pk__in=confirmed.values("person_id"))
