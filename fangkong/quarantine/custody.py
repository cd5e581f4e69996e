"""What the quarantine area tells everyone through `fangkong.people.custody`: the site and
room of a person's active placement, and when each placement began (a placed contact meets
nobody from then on)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from fangkong.people.custody import (
    CurrentPlace,
    register_control_time_provider,
    register_place_provider,
)
from fangkong.people.models import Person
from fangkong.quarantine.models import Placement


def placed_at_site(person: Person) -> CurrentPlace | None:
    """The person's active quarantine placement (site and room)."""
    placement = (
        Placement.objects.filter(person=person, ended_at__isnull=True)
        .select_related("room__site")
        .first()
    )
    if placement is None:
        return None
    return CurrentPlace(
        kind="quarantine",
        kind_label=_("集中隔离"),
        place=placement.room.site.name,
        unit=placement.room.number,
        since=placement.starts_at,
        record=placement,
    )


def placement_starts(person_ids: list[int]) -> dict[int, list[dt.datetime]]:
    starts: dict[int, list[dt.datetime]] = defaultdict(list)
    for person_id, starts_at in Placement.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "starts_at"
    ):
        starts[person_id].append(starts_at)
    return starts


def register() -> None:
    # Asked after a hospital (10): a transferred person's placement has ended by then anyway,
    # and a site is where most people under control are.
    register_place_provider(placed_at_site, priority=100)
    register_control_time_provider(placement_starts)
