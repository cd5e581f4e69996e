"""What API writes name by id, looked up within what the caller may see (404 otherwise)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound

from fangkong.accounts.models import User
from fangkong.people.models import Person
from fangkong.people.selectors import person_list
from fangkong.people.services import person_register
from fangkong.quarantine.models import Room, Site
from fangkong.quarantine.selectors.sites import room_get, site_get


def visible_site(user: User, pk: int) -> Site:
    try:
        return site_get(viewer=user, pk=pk)
    except Site.DoesNotExist as error:
        raise NotFound(_("找不到该隔离点")) from error


def visible_room(user: User, pk: int) -> Room:
    try:
        return room_get(viewer=user, pk=pk)
    except Room.DoesNotExist as error:
        raise NotFound(_("找不到该房间")) from error


def person_by_id(user: User, pk: int | None, *, field: str) -> Person | None:
    if pk is None:
        return None
    person = person_list(viewer=user).filter(pk=pk).first()
    if person is None:
        raise ValidationError({field: _("找不到编号为 %s 的人员") % pk})
    return person


def resolve_person(user: User, data: dict[str, Any]) -> Person:
    """The person named by id, or by identity document (registered if new). Call it in the
    transaction of the write it serves: a refused write registers nobody."""
    if data.get("person") is not None:
        found = person_by_id(user, data["person"], field="person")
        assert found is not None
        return found
    return person_register(
        name=data["name"],
        id_type=data["id_type"],
        id_number=data["id_number"],
        phone=data.get("phone", ""),
        by=user,
    ).person
