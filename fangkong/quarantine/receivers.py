"""What the quarantine area does when other areas speak (signals, visibility rules)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from fangkong.accounts.roles import Role
from fangkong.quarantine.models import ObservationCategory, Placement, StaffMember

CLOSE_CONTACT_DEGREE = 1


def site_staff_see_their_people(viewer: Any) -> Q | None:
    """A site's staff see everyone ever placed at (or working in) the sites their unit runs,
    wherever those people live."""
    unit_id = getattr(viewer, "unit_id", None)
    if getattr(viewer, "role", "") != Role.SITE_STAFF or unit_id is None:
        return None
    placed = Placement.objects.filter(room__site__operating_unit_id=unit_id).values("person_id")
    staff = StaffMember.objects.filter(site__operating_unit_id=unit_id).values("stint__person_id")
    return Q(pk__in=placed) | Q(pk__in=staff)


def on_contact_degree_changed(
    sender: Any, *, person: Any, degree: int, via: Any, by: Any, **kwargs: Any
) -> None:
    """A secondary contact became a close contact: re-plan their active placement under the
    close-contact scheme of the same edition (inside the tracing write's transaction)."""
    from fangkong.quarantine.services.observation_plan import placement_replan

    if degree != CLOSE_CONTACT_DEGREE:
        return
    placement = Placement.objects.active().filter(person=person).first()
    if placement is None or placement.category == ObservationCategory.CLOSE_CONTACT:
        return
    placement_replan(
        placement=placement,
        category=ObservationCategory.CLOSE_CONTACT,
        exposed_via=via,
        by=by,
    )
