"""QR code PNGs (qrcode + pure-Python PNG writer: no Pillow in the API function)."""

from __future__ import annotations

import io


def qr_png(text: str) -> bytes:
    """A PNG of ``text`` as a QR code. Imported on use: only device creation needs it."""
    import qrcode
    from qrcode.image.pure import PyPNGImage

    image = qrcode.make(text, image_factory=PyPNGImage, box_size=8, border=4)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()
