"""Room cards: the self-report link of the person in the room, printed as a QR code."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def report_url(token: str) -> str:
    """The public address of a person's self-report page (PUBLIC_BASE_URL, for print)."""
    path = reverse("quarantine:self_report", kwargs={"token": token})
    return settings.PUBLIC_BASE_URL.rstrip("/") + path
