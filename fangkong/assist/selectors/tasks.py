"""Verification tasks as a viewer may see them: the part of the city they answer for."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.scope import scope_of
from fangkong.assist.models import (
    AssistRow,
    TaskStatus,
    VerificationTask,
    VerificationTaskQuerySet,
)
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.jurisdictions.selectors import within_district
from fangkong.quarantine.models import Room, Site, SiteStatus


class TaskFilter(models.TextChoices):
    OPEN = "open", _("待核查")
    OVERDUE = "overdue", _("已超时")
    DONE = "done", _("已核查")
    ALL = "all", _("全部")


def task_list(
    *,
    viewer: Any,
    flag: str = TaskFilter.OPEN,
    district: Jurisdiction | None = None,
    now: dt.datetime,
) -> VerificationTaskQuerySet:
    """Tasks of the viewer's part of the city (a street sees its own communities' only),
    optionally of one district: open ones by default, or overdue, done or all."""
    tasks = (
        VerificationTask.objects.filter(scope_of(viewer).jurisdiction_q("jurisdiction"))
        .filter(within_district("jurisdiction", district))
        .select_related("person", "jurisdiction")
    )
    if flag == TaskFilter.OVERDUE:
        return tasks.overdue(now)
    if flag == TaskFilter.DONE:
        return tasks.filter(status=TaskStatus.DONE)
    if flag == TaskFilter.ALL:
        return tasks
    return tasks.open()


def task_get(*, viewer: Any, pk: int) -> VerificationTask:
    """One task the viewer may see; DoesNotExist otherwise (pages answer 404)."""
    return (
        VerificationTask.objects.filter(scope_of(viewer).jurisdiction_q("jurisdiction"))
        .select_related("person", "jurisdiction", "placement__room__site", "forwarded_to")
        .get(pk=pk)
    )


def task_rows(task: VerificationTask) -> list[AssistRow]:
    """The lists' rows that name the person, with their senders, in order of receipt."""
    return list(
        AssistRow.objects.filter(task=task)
        .select_related("request")
        .order_by("request__received_at", "request_id", "row_number")
    )


def sites_taking_people() -> models.QuerySet[Site]:
    """Sites in use, where a verifier may place someone (as the cases area's placing does)."""
    return Site.objects.filter(status=SiteStatus.IN_USE).order_by("name")


def free_rooms(site: Site | None = None) -> models.QuerySet[Room]:
    """Guest rooms with nobody in them now, of sites in use (of one site, if given)."""
    rooms = Room.objects.filter(site__status=SiteStatus.IN_USE).free().select_related("site")
    if site is not None:
        rooms = rooms.filter(site=site)
    return rooms.order_by("site__name", "floor", "number")


def placing_room(pk: int) -> Room | None:
    """A room of a site in use (free or not: the placement itself refuses an occupied one,
    saying who holds it)."""
    return (
        Room.objects.filter(site__status=SiteStatus.IN_USE)
        .select_related("site")
        .filter(pk=pk)
        .first()
    )
