"""Contacts follow their placements: the quarantine area's signals call these writes inside
its own transaction (receivers.py), so a placement and its contacts' status commit together."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from fangkong.cases.models import AWAITING_CONTROL, Contact, ContactStatus
from fangkong.core.audit import audit_write

if TYPE_CHECKING:
    from fangkong.accounts.models import User
    from fangkong.quarantine.models import Placement


@transaction.atomic
def contacts_take_control(*, placement: Placement, by: User | None) -> list[Contact]:
    """A placement started: every confirmed record of the person awaiting control is now
    under control in it, and records held in a placement they moved out of follow them."""
    rows = list(
        Contact.objects.select_for_update()
        .filter(person_id=placement.person_id)
        .filter(status__in=[*AWAITING_CONTROL, ContactStatus.UNDER_CONTROL])
        .order_by("pk")
    )
    changed: list[Contact] = []
    for contact in rows:
        if contact.status == ContactStatus.UNDER_CONTROL:
            if contact.placement_id is None or contact.placement_id == placement.pk:
                continue  # held elsewhere by an explicit record, or already linked
            before = {"placement": contact.placement_id}
            contact.placement = placement
            contact.save(update_fields=["placement"])
            audit_write(
                by=by,
                action="contact.follow_placement",
                obj=contact,
                before=before,
                after={"placement": placement.pk},
            )
            changed.append(contact)
            continue
        before_status = contact.status
        contact.status = ContactStatus.UNDER_CONTROL
        identified = contact.identified_at
        contact.controlled_at = (
            max(placement.starts_at, identified) if identified else placement.starts_at
        )
        contact.placement = placement
        contact.save(update_fields=["status", "controlled_at", "placement"])
        audit_write(
            by=by,
            action="contact.control",
            obj=contact,
            before={"status": before_status},
            after={
                "status": contact.status,
                "controlled_at": contact.controlled_at,
                "placement": placement.pk,
            },
        )
        changed.append(contact)
    return changed


@transaction.atomic
def contacts_release_with(*, placement: Placement, by: User | None) -> list[Contact]:
    """A placement ended in release: the contacts held in it are released."""
    rows = list(
        Contact.objects.select_for_update()
        .filter(placement=placement, status=ContactStatus.UNDER_CONTROL)
        .order_by("pk")
    )
    for contact in rows:
        contact.status = ContactStatus.RELEASED
        contact.released_at = placement.ended_at
        contact.save(update_fields=["status", "released_at"])
        audit_write(
            by=by,
            action="contact.release",
            obj=contact,
            before={"status": ContactStatus.UNDER_CONTROL},
            after={"status": contact.status, "released_at": contact.released_at},
        )
    return rows
