"""What the tracing area does when other areas speak (signals from the quarantine area).

Imported by CasesConfig.ready(); the receivers connect here, next to the signals they need,
so the app config imports only this area's own modules.

A positive test in a site (`positive_result`) is not acted on here: the quarantine area
flags that person's secondary contacts for review, the case list shows the positive until an
investigator registers the case (selectors/site_positives.py), and that registration upgrades
their contacts in every list (services/upgrades.py)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from fangkong.cases.services.control import contacts_release_with, contacts_take_control
from fangkong.quarantine.models import PlacementEnd
from fangkong.quarantine.signals import placement_ended, placement_started


@receiver(placement_started, dispatch_uid="fangkong.cases.placement_started")
def on_placement_started(sender: Any, *, placement: Any, by: Any = None, **kwargs: Any) -> None:
    contacts_take_control(placement=placement, by=by)


@receiver(placement_ended, dispatch_uid="fangkong.cases.placement_ended")
def on_placement_ended(sender: Any, *, placement: Any, by: Any = None, **kwargs: Any) -> None:
    if placement.end_reason == PlacementEnd.RELEASED:
        contacts_release_with(placement=placement, by=by)
