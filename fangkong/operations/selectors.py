"""Reads of background work: a user sees and downloads only their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from fangkong.operations.models import BackgroundWork

if TYPE_CHECKING:
    from fangkong.accounts.models import User

SHOWN = 50


def works_of(*, viewer: User) -> QuerySet[BackgroundWork]:
    return BackgroundWork.objects.filter(requested_by=viewer).order_by("-requested_at", "-pk")


def work_get(*, viewer: User, pk: int) -> BackgroundWork:
    """The viewer's own work; DoesNotExist for anyone else's (a 404, not a hint it exists)."""
    return works_of(viewer=viewer).get(pk=pk)
