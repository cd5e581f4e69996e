"""A contact's person as one viewer may see them on the tracing pages, in the API and exports.

A proposed contact is a lead, not a finding: a trace of a busy venue names hundreds of people
who live anywhere in the city. Until an investigator confirms the contact, a viewer who may
not otherwise see the person (people.visibility) is given only what tracing needs to confirm
or dismiss it: a masked name, ID number and phone beside the shared venue and time on the
contact's row, and nothing that opens the person's record (no link, no home jurisdiction).
Once confirmed, the contact makes the person visible to the case's viewers
(cases.visibility) and they are shown as any visible person is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fangkong.people.masking import mask_id_number, mask_name, mask_phone
from fangkong.people.phone import phone_display

if TYPE_CHECKING:
    from fangkong.jurisdictions.models import Jurisdiction
    from fangkong.people.models import Person


@dataclass(frozen=True)
class Identity:
    pk: int | None  # the person's record, or None when the viewer may not open it
    name: str
    id_number: str
    phone: str
    home_jurisdiction: Jurisdiction | None

    @property
    def masked(self) -> bool:
        return self.pk is None


def identity_of(person: Person, *, opened: bool, full: bool) -> Identity:
    """`opened`: the viewer may see the person's record; `full`: and their full numbers."""
    if not opened:
        return Identity(
            pk=None,
            name=mask_name(person.name),
            id_number=mask_id_number(person.id_number),
            phone=mask_phone(person.phone),
            home_jurisdiction=None,
        )
    return Identity(
        pk=person.pk,
        name=person.name,
        id_number=person.id_number if full else mask_id_number(person.id_number),
        phone=phone_display(person.phone) if full else mask_phone(person.phone),
        home_jurisdiction=person.home_jurisdiction,
    )
