from __future__ import annotations

import re
from typing import Any

from django.db.models import Q

from fangkong.accounts.capabilities import user_can
from fangkong.core.search import prefix_q
from fangkong.people.identity import normalize_id_number
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
