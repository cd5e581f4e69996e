"""The venue code poster: the public check-in address (drawn as a QR code by `core.qr`)."""

from __future__ import annotations

from django.conf import settings

from fangkong.venues.models import Venue


def checkin_url(venue: Venue) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + venue.checkin_path()
