"""The venue code poster: the public check-in address as a QR code, drawn as SVG so that it
prints sharp at any size."""

from __future__ import annotations

import re

import qrcode
import qrcode.image.svg
from django.conf import settings

from fangkong.venues.models import Venue


def checkin_url(venue: Venue) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + venue.checkin_path()


def qr_svg(data: str) -> str:
    """An inline SVG of the QR code (error correction M: survives a scuffed poster)."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
        image_factory=qrcode.image.svg.SvgPathImage,
    )
    code.add_data(data)
    code.make(fit=True)
    svg = code.make_image().to_string(encoding="unicode")
    # Sized by the page's CSS instead of the fixed millimetres qrcode writes.
    return re.sub(r'\swidth="[^"]*"\sheight="[^"]*"', "", str(svg), count=1)
