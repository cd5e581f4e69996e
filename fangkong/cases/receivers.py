"""What the tracing area does when other areas speak (signals from the quarantine area).

A positive test in a site (`positive_result`) is not acted on here: the quarantine area
flags that person's secondary contacts for review, the case list shows the positive until an
investigator registers the case (selectors/site_positives.py), and that registration upgrades
their contacts in every list (services/upgrades.py)."""

from __future__ import annotations

from typing import Any


def on_placement_started(sender: Any, *, placement: Any, by: Any = None, **kwargs: Any) -> None:
    from fangkong.cases.services.control import contacts_take_control

    contacts_take_control(placement=placement, by=by)


def on_placement_ended(sender: Any, *, placement: Any, by: Any = None, **kwargs: Any) -> None:
    from fangkong.cases.services.control import contacts_release_with
    from fangkong.quarantine.models import PlacementEnd

    if placement.end_reason == PlacementEnd.RELEASED:
        contacts_release_with(placement=placement, by=by)
