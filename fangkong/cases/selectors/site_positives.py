"""People who tested positive under observation in a quarantine site and are not yet a case.

The quarantine area raises its alert and starts the closed-loop transfer; the case itself is
the investigators' to register (classification, onset, report). This is their worklist, so a
positive found at 3 a.m. in a hotel is not left to the site's alert alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.capabilities import user_can
from fangkong.accounts.scope import scope_of
from fangkong.cases.models import Case, CaseClassification
from fangkong.quarantine.models import NucleicAcidTest, Outcome, Placement, SampleResult


@dataclass(frozen=True)
class SitePositive:
    test: NucleicAcidTest
    placement: Placement
    sampled_at: dt.datetime | None

    @property
    def person(self) -> Any:
        return self.placement.person

    def case_form_initial(self, *, with_identifiers: bool) -> dict[str, object]:
        """What the site already tells the case form: who, sampled when, isolated since
        when, found how. ID number and phone only for roles that may read them."""
        person, room = self.person, self.placement.room
        initial: dict[str, object] = {
            "name": person.name,
            "id_type": person.id_type,
            "home_jurisdiction": person.home_jurisdiction_id,
            "isolated_at": _form_moment(self.placement.starts_at),
            "detection_note": _("隔离点核酸筛查：%(site)s %(room)s")
            % {"site": room.site.name, "room": room.number},
        }
        if with_identifiers:
            initial.update(id_number=person.id_number, phone=person.phone)
        if self.sampled_at is not None:
            initial["sampling_date"] = timezone.localdate(self.sampled_at).isoformat()
        if self.test.concluded_at is not None:
            initial["detected_at"] = _form_moment(self.test.concluded_at)
        return initial


def _form_moment(moment: dt.datetime) -> str:
    """A moment as the form's datetime-local input shows it."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _scope_q(viewer: Any) -> Q:
    if not user_can(viewer, "cases.view"):
        return Q(pk__in=[])
    scope = scope_of(viewer)
    return scope.jurisdiction_q("placement__room__site__jurisdiction") | scope.jurisdiction_q(
        "placement__person__home_jurisdiction"
    )


def _positive_tests(viewer: Any) -> Any:
    registered = Case.objects.exclude(classification=CaseClassification.EXCLUDED).values(
        "person_id"
    )
    positive_sample = Q(samples__specimen__result=SampleResult.POSITIVE)
    return (
        NucleicAcidTest.objects.filter(outcome=Outcome.POSITIVE)
        .filter(_scope_q(viewer))
        .exclude(placement__person_id__in=registered)
        .annotate(first_sampled=Min("samples__specimen__sampled_at", filter=positive_sample))
        .select_related("placement__person__home_jurisdiction", "placement__room__site")
        .order_by("concluded_at", "pk")
    )


def _positive(test: Any) -> SitePositive:
    return SitePositive(test=test, placement=test.placement, sampled_at=test.first_sampled)


def site_positives_awaiting_case(*, viewer: Any) -> list[SitePositive]:
    """The viewer's positives in sites whose person has no case (an excluded one aside),
    earliest result first: the longest-waiting at the top. One line per person: a second
    positive of the same person adds nothing to do."""
    seen: set[int] = set()
    found: list[SitePositive] = []
    for test in _positive_tests(viewer):
        if test.placement.person_id not in seen:
            seen.add(test.placement.person_id)
            found.append(_positive(test))
    return found


def site_positive_get(*, viewer: Any, test_pk: int) -> SitePositive:
    """One positive awaiting its case that the viewer may see; DoesNotExist otherwise."""
    return _positive(_positive_tests(viewer).get(pk=test_pk))
