"""What of a person each viewer is shown: the one place that decides it.

Three levels of disclosure, chosen per viewer and per path by `people.selectors.disclosure_for`:

- `FULL`: everything. The API and exports for roles with `person.view_identifiers` (integrators
  and placing teams need the numbers; every such read is audited), and a person's page after
  a reveal with a reason (audited as `person.reveal`).
- `PARTICULARS`: ID number and phone masked, the age instead of the birth date, the exact
  address. What pages show roles with `person.view_identifiers` by default: the particulars
  they work with (the page view itself is audited), the full numbers opened one person at a
  time. Not the birth date: eight of the ten digits a resident ID's mask hides ARE the birth
  date, so showing it beside the mask would hand back the number without a reveal.
- `MINIMAL`: what a viewer without `person.view_identifiers` (the leader) may see. A masked
  number next to its birth date, sex and street address is no mask at all: the birth date is
  the eight digits the mask hides, and the address narrows a name to one household. So:
  ID number and phone masked, no birth date, no free-text address (the home jurisdiction,
  a community of thousands, stands in for it). Sex stays: it is one bit that the visible tail
  of a masked resident ID already carries (the 17th digit's parity) and most names suggest,
  and the figures by sex that a leader reads need it.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from fangkong.people.phone import phone_display, phone_national

if TYPE_CHECKING:
    from fangkong.jurisdictions.models import Jurisdiction
    from fangkong.people.models import Person

_KEEP_ID = 4
_KEEP_PHONE_HEAD = 3
_KEEP_PHONE_TAIL = 4


def mask_id_number(value: str) -> str:
    """`320203199001011234` → `3202**********1234`; short numbers keep only their last char."""
    if not value:
        return ""
    if len(value) <= 2 * _KEEP_ID:
        return "*" * (len(value) - 1) + value[-1]
    return value[:_KEEP_ID] + "*" * (len(value) - 2 * _KEEP_ID) + value[-_KEEP_ID:]


def mask_phone(value: str) -> str:
    """`+8613812345678` → `138****5678`."""
    national = phone_national(value)
    if len(national) <= _KEEP_PHONE_HEAD + _KEEP_PHONE_TAIL:
        return "*" * len(national)
    hidden = len(national) - _KEEP_PHONE_HEAD - _KEEP_PHONE_TAIL
    return national[:_KEEP_PHONE_HEAD] + "*" * hidden + national[-_KEEP_PHONE_TAIL:]


def mask_name(value: str) -> str:
    """`张三丰` → `张**`: the family name is kept (the spoken 张先生 of a call), no more."""
    if not value:
        return ""
    return value[:1] + "*" * max(1, len(value) - 1)


class Disclosure(enum.Enum):
    FULL = "full"
    PARTICULARS = "particulars"
    MINIMAL = "minimal"

    @property
    def identifiers(self) -> bool:
        """Full ID number and phone."""
        return self is Disclosure.FULL

    @property
    def particulars(self) -> bool:
        """Age and exact address."""
        return self is not Disclosure.MINIMAL


@dataclass(frozen=True)
class ShownPerson:
    """A person as one viewer may see them; templates, serializers and exports read this,
    never the raw fields."""

    person: Person
    disclosure: Disclosure
    id_number: str
    phone: str
    birth_date: dt.date | None
    age: int | None
    address: str

    @property
    def pk(self) -> int:
        return self.person.pk

    @property
    def name(self) -> str:
        return self.person.name

    @property
    def home_jurisdiction(self) -> Jurisdiction | None:
        return self.person.home_jurisdiction

    @property
    def identifiers_full(self) -> bool:
        return self.disclosure.identifiers


def person_shown(person: Person, disclosure: Disclosure) -> ShownPerson:
    full = disclosure.identifiers
    particulars = disclosure.particulars
    return ShownPerson(
        person=person,
        disclosure=disclosure,
        id_number=person.id_number if full else mask_id_number(person.id_number),
        # Full numbers in the display form (`13812345678`, `+44 ...` abroad); masks drop the +86.
        phone=phone_display(person.phone) if full else mask_phone(person.phone),
        birth_date=person.birth_date if full else None,
        age=person.age_on(timezone.localdate()) if particulars else None,
        address=person.address if particulars else "",
    )
