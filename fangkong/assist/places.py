"""Where a person on a list belongs: the community responsible for verifying them here, or the
city that should be asked to, when they live elsewhere."""

from __future__ import annotations

import phonenumbers
from phonenumbers import geocoder

from fangkong.assist.conf import assist_settings
from fangkong.jurisdictions.models import Jurisdiction, Level
from fangkong.people.models import Person


def phone_city(phone: str) -> str:
    """The city a Chinese mobile number is registered in, as the registry of number blocks
    (号段) names it ("江苏省常州市" gives "常州市"); "" when unknown."""
    if not phone:
        return ""
    try:
        parsed = phonenumbers.parse(phone, "CN")
    except phonenumbers.NumberParseException:
        return ""
    area = geocoder.description_for_number(parsed, "zh")
    # A province's cities follow its name; a municipality (北京市) is its own city.
    for marker in ("省", "自治区"):
        if marker in area:
            area = area.split(marker, 1)[1]
    return area


def is_home_city(city: str) -> bool:
    return bool(city) and city == assist_settings().home_city


def jurisdiction_in_address(address: str) -> Jurisdiction | None:
    """The deepest of our jurisdictions the address names along one line of the tree
    ("梁溪区崇安寺街道…" gives the street, and the community if it is named too)."""
    if not address:
        return None
    named = [j for j in Jurisdiction.objects.exclude(level=Level.CITY) if j.name in address]
    best: Jurisdiction | None = None
    for candidate in sorted(named, key=lambda j: j.path.count("/")):
        if best is None or best.contains(candidate):
            best = candidate
    return best


def city_pool() -> Jurisdiction:
    """The city's own pool: who no district can be found for is the HQ's to place."""
    return Jurisdiction.objects.get(level=Level.CITY)


def responsible_jurisdiction(*, person: Person, address: str = "", phone: str = "") -> Jurisdiction:
    """Home in the registry, else the address the list gives, else the city's pool.

    A phone registered in our city says the person is ours but not in which district, so it
    leads to the pool too; one registered elsewhere is `phone_city`'s to use (an outgoing
    request), not a place here."""
    if person.home_jurisdiction_id is not None:
        return person.home_jurisdiction  # type: ignore[return-value]
    named = jurisdiction_in_address(address or person.address)
    return named if named is not None else city_pool()
