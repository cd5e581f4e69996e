from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from fangkong.accounts.capabilities import user_can
from fangkong.core.audit import audit_read
from fangkong.core.search import prefix_q
from fangkong.people.conf import people_settings
from fangkong.people.identity import normalize_id_number
from fangkong.people.masking import Disclosure, ShownPerson, person_shown
from fangkong.people.models import IdType, Person, PersonQuerySet
from fangkong.people.phone import normalize_phone
from fangkong.people.visibility import person_visibility_q

_DIGITS = re.compile(r"^\d+[Xx]?$")
_MOBILE = re.compile(r"^1\d{10}$")


def person_search_q(term: str) -> Q:
    """Name prefix, whole or leading ID number, or phone number, whichever the term looks like."""
    term = term.strip()
    if not term:
        return Q()
    compact = term.replace(" ", "")
    if _MOBILE.match(compact):
        return Q(phone=normalize_phone(compact)) | prefix_q("id_number", compact)
    if _DIGITS.match(compact):
        if len(compact) == 18:
            try:
                return Q(id_number=normalize_id_number(IdType.RESIDENT_ID, compact))
            except Exception:
                pass
        return prefix_q("id_number", compact.upper())
    return prefix_q("name", term)


def person_list(*, viewer: Any, search: str = "") -> PersonQuerySet:
    return (
        Person.objects.filter(person_visibility_q(viewer))
        .filter(person_search_q(search))
        .select_related("home_jurisdiction")
    )


def person_get(*, viewer: Any, pk: int) -> Person:
    """One person the viewer may see; raises Person.DoesNotExist otherwise (a 404, not a 403,
    so that nobody learns which records exist outside their scope)."""
    return person_list(viewer=viewer).get(pk=pk)


def may_see_identifiers(viewer: Any) -> bool:
    return user_can(viewer, "person.view_identifiers")


def disclosure_for(viewer: Any, *, full: bool = False) -> Disclosure:
    """How much of a person the viewer is shown (see `people.masking`). Pages ask with
    `full=False`: masked numbers even for roles that may see them, opened one person at a time
    by `person_reveal`. The API and exports ask with `full=True`: roles that may see the
    numbers get them, every such read being audited where it is made."""
    if not may_see_identifiers(viewer):
        return Disclosure.MINIMAL
    return Disclosure.FULL if full else Disclosure.PARTICULARS


def person_reveal(*, viewer: Any, person: Person, reason: str) -> ShownPerson:
    """Open one person's full ID number and phone for a viewer who may see them, recording
    the read with its reason (`person.reveal`). Raises ValidationError keyed `reason` when
    the reason is missing or too short; the caller has checked the capability."""
    reason = reason.strip()
    shortest = people_settings().reveal_reason_min_length
    if len(reason) < shortest:
        raise ValidationError(
            {"reason": _("请说明查看完整信息的理由（至少 %(n)s 个字）") % {"n": shortest}}
        )
    audit_read(by=viewer, action="person.reveal", obj=person, after={"reason": reason})
    return person_shown(person, Disclosure.FULL)
