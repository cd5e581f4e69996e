"""What every quarantine page needs: the site, placement or room the viewer may see (404
otherwise) and the moment of the request."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone

from fangkong.accounts.http import AuthenticatedRequest
from fangkong.quarantine.models import Batch, Placement, Room, Site
from fangkong.quarantine.selectors.sites import batch_get, placement_get, room_get, site_get


def visible_site(request: AuthenticatedRequest, pk: int) -> Site:
    try:
        return site_get(viewer=request.user, pk=pk)
    except Site.DoesNotExist as error:
        raise Http404 from error


def visible_placement(request: AuthenticatedRequest, pk: int) -> Placement:
    try:
        return placement_get(viewer=request.user, pk=pk)
    except Placement.DoesNotExist as error:
        raise Http404 from error


def visible_room(request: AuthenticatedRequest, pk: int) -> Room:
    try:
        return room_get(viewer=request.user, pk=pk)
    except Room.DoesNotExist as error:
        raise Http404 from error


def visible_batch(request: AuthenticatedRequest, pk: int) -> Batch:
    try:
        return batch_get(viewer=request.user, pk=pk)
    except Batch.DoesNotExist as error:
        raise Http404 from error


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return timezone.localdate()
