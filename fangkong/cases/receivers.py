"""What the tracing area does when other areas speak (signals from the quarantine area)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone


def on_placement_started(sender: Any, *, placement: Any, by: Any = None, **kwargs: Any) -> None:
    from fangkong.cases.services.control import contacts_take_control

    contacts_take_control(placement=placement, by=by)


def on_placement_ended(sender: Any, *, placement: Any, by: Any = None, **kwargs: Any) -> None:
    from fangkong.cases.services.control import contacts_release_with
    from fangkong.quarantine.models import PlacementEnd

    if placement.end_reason == PlacementEnd.RELEASED:
        contacts_release_with(placement=placement, by=by)


def on_positive_result(
    sender: Any, *, person: Any, sampled_at: Any = None, by: Any = None, **kwargs: Any
) -> None:
    """A person under observation tested positive: those exposed through them are close
    contacts from now on (2021 plan), before anyone has registered the case."""
    from fangkong.cases.services.upgrades import contacts_upgrade_via

    contacts_upgrade_via(person=person, at=sampled_at or timezone.now(), by=by)
