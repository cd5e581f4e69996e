"""QR codes drawn as inline SVG: no image files to store or serve, sharp at any print size."""

from __future__ import annotations

import re

import qrcode
import qrcode.constants
import qrcode.image.svg


def qr_svg(data: str, *, border: int = 1, sized_by_css: bool = False) -> str:
    """The `<svg>` element of a QR code for `data`, ready to place inside a page.

    Error correction M, so a scuffed poster or a creased card still scans. `sized_by_css`
    drops the fixed millimetre size qrcode writes, for pages whose stylesheet sizes the code.
    """
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=border,
        image_factory=qrcode.image.svg.SvgPathImage,
    )
    code.add_data(data)
    code.make(fit=True)
    svg = str(code.make_image().to_string(encoding="unicode"))
    # Inside HTML an XML declaration is noise.
    svg = svg[svg.index("<svg") :]
    if sized_by_css:
        svg = re.sub(r'\swidth="[^"]*"\sheight="[^"]*"', "", svg, count=1)
    return svg
