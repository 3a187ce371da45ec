"""QR code PNGs (qrcode + pure-Python PNG writer: no Pillow in the API function)."""

from __future__ import annotations

import io

import qrcode
from qrcode.image.pure import PyPNGImage


def qr_png(text: str) -> bytes:
    image = qrcode.make(text, image_factory=PyPNGImage, box_size=8, border=4)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()
