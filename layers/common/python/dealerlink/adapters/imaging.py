"""Photo renditions and annotation with Pillow (F-4.3, F-4.5), for the media function only.

Every upload is untrusted bytes, so each failure becomes a MediaRejectedError with a stable
code, decided before any pixel is decoded where it can be:

    not_an_image     not a JPEG, PNG or WebP by its content, whatever its name says
    too_many_pixels  over MAX_PIXELS by its header: a decompression bomb is never decoded
    bad_dimensions   sides further apart than MAX_ASPECT to one (renditions would be absurd)
    truncated        the bytes stop before the image does (LOAD_TRUNCATED_IMAGES stays off)
    unreadable       damaged in some other way

What comes out is oriented (EXIF orientation applied), sRGB (an embedded profile such as an
iPhone's Display P3 is converted, then dropped), flattened on white where it had alpha, and
carries no metadata at all: no EXIF, GPS, XMP, ICC or comment. Pillow's global
``Image.MAX_IMAGE_PIXELS`` is read by Pillow, never set here.

Pillow ships with the media function only: nothing the API imports may import this module.
"""

from __future__ import annotations

import io
import math
import struct
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from PIL import (
    Image,
    ImageChops,
    ImageCms,
    ImageDraw,
    ImageOps,
    UnidentifiedImageError,
    WebPImagePlugin,  # noqa: F401  registers WebP, so Image.open need not import all 40 plugins
)

from dealerlink.domain.annotations import Circle, Ellipse, Path, Rect, Shape
from dealerlink.domain.media import MediaRejectedError

MAX_PIXELS = 60_000_000  # a 50 MP phone or camera photo passes; 20,000 x 20,000 does not
MAX_ASPECT = 10  # a 10:1 panorama passes; a 1 x 50,000,000 PNG does not
WIDTHS = (1280, 640, 320)  # web renditions; capped at the photo's own width, never upscaled
THUMBNAIL = 240  # square side; smaller only when the photo itself is smaller
FORMATS = ("JPEG", "PNG", "WEBP")  # Pillow's names for the types media.ALLOWED_TYPES accepts
WORKERS = 2  # resizing and encoding release the GIL; a Lambda over 1769 MB has more than one vCPU

# How each rendition is encoded, by file extension: data shared with bench/photo_renditions.py.
ENCODINGS: dict[str, tuple[str, str, dict[str, Any]]] = {
    # quality 75 is cwebp's default; method 2 gives method 4's size in a third of the time
    "webp": ("image/webp", "WEBP", {"quality": 75, "method": 2}),
    "jpg": ("image/jpeg", "JPEG", {"quality": 82, "progressive": True, "optimize": True}),
}
# The annotated version is a new "original": near-lossless, 4:4:4 so thin red strokes stay red.
ANNOTATED_JPEG: dict[str, Any] = {"quality": 93, "subsampling": 0}

# What Pillow's decoders raise on malformed bytes (their asserts included).
_BROKEN: tuple[type[BaseException], ...] = (
    OSError,
    SyntaxError,
    ValueError,
    TypeError,
    EOFError,
    IndexError,
    KeyError,
    ZeroDivisionError,
    OverflowError,
    AssertionError,
    struct.error,
)
_BOMB = (Image.DecompressionBombError, Image.DecompressionBombWarning)
_ORIENTATION = 0x0112
_TRANSPOSE = {  # EXIF orientation -> the transposition that shows the photo upright
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_ALPHA_MODES = frozenset({"RGBA", "RGBa", "LA", "La", "PA"})
_WHITE = (255, 255, 255)
# Filters, judged on the bench photo against LANCZOS from the full 12 MP image. The first step
# (after JPEG's DCT scaling, by less than 2x) uses HAMMING: 41 dB PSNR and 89% of the reference's
# edge contrast (BICUBIC 87%) at half the cost; the 2x steps use BICUBIC (46 dB, 87%).
_FIRST_STEP = Image.Resampling.HAMMING
_RESAMPLE = Image.Resampling.BICUBIC
_CMS_BROKEN: tuple[type[BaseException], ...] = (ImageCms.PyCMSError, *_BROKEN)


@dataclass(frozen=True)
class Rendition:
    name: str  # "w1280.webp", "w1280.jpg", ..., "thumb.jpg": the key's last part
    content_type: str
    width: int
    height: int
    data: bytes


@dataclass(frozen=True)
class Photo:
    width: int  # of the photo as shown, after EXIF orientation
    height: int
    format: str  # "JPEG", "PNG" or "WEBP": what the bytes really are
    renditions: list[Rendition]


def photo_renditions(data: bytes) -> Photo:
    """Web renditions (WIDTHS, WebP and JPEG) and a square JPEG thumbnail of an uploaded photo.

    Names are fixed whatever the photo's size: a rendition wider than the photo is capped at
    its width (``w1280.webp`` of an 800 px photo is 800 px wide; ``width`` says so), so pages
    can always ask for the same names. JPEGs decode at 1/2, 1/4 or 1/8 scale when the
    largest rendition allows, and each width is made from the one above it.

    >>> [r.name for r in photo_renditions(upload).renditions]  # doctest: +SKIP
    ['w1280.webp', 'w1280.jpg', 'w640.webp', 'w640.jpg', 'w320.webp', 'w320.jpg', 'thumb.jpg']
    """
    image, fmt, (width, height) = _decode(data, _working_size)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        pending: list[Future[list[Rendition]]] = []
        made: list[Image.Image] = []
        for slot in WIDTHS:
            above = made[-1] if made else image
            size = _fit_width(min(slot, image.width), width, height)
            current = above.resize(size, _RESAMPLE) if above.size != size else above
            if any(current is m for m in made):  # capped: never two saves of one image at once,
                current = current.copy()  # as Image.save keeps its options on the image
            made.append(current)
            pending.append(pool.submit(_encoded, current, [f"w{slot}.{ext}" for ext in ENCODINGS]))
        pending.append(pool.submit(_encoded, _thumbnail([image, *made]), ["thumb.jpg"]))
        renditions = [rendition for future in pending for rendition in future.result()]
    return Photo(width, height, fmt, renditions)


def annotate(data: bytes, shapes: Sequence[Shape]) -> bytes:
    """The full-size oriented photo with ``shapes`` drawn on it, as a near-lossless JPEG.

    Always called on the ORIGINAL upload with every shape so far, so undo is dropping a shape
    and repeated edits never stack JPEG loss. Metadata is stripped like in every rendition;
    the caller runs photo_renditions on the result for the new version.
    """
    image, _, _ = _decode(data, lambda width, height: (width, height))
    draw = ImageDraw.Draw(image)
    for shape in shapes:
        _draw(draw, shape, image.size)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **ANNOTATED_JPEG)
    return buffer.getvalue()


def _encoded(image: Image.Image, names: list[str]) -> list[Rendition]:
    """One task: every encoding of one image, one after the other, while others run beside it."""
    return [encode_rendition(image, name) for name in names]


def encode_rendition(image: Image.Image, name: str) -> Rendition:
    """``image`` encoded as its name's extension says, with ENCODINGS' settings and no metadata."""
    content_type, pillow_format, options = ENCODINGS[name.rsplit(".", 1)[-1]]
    buffer = io.BytesIO()
    image.save(buffer, pillow_format, **options)
    return Rendition(name, content_type, image.width, image.height, buffer.getvalue())


def _decode(data: bytes, target: Callable[[int, int], tuple[int, int]]) -> tuple[Image.Image, str, tuple[int, int]]:
    """The photo upright, RGB, sRGB and without metadata, at ``target(width, height)``.

    Returns it with Pillow's format name and the oriented full size. A JPEG decodes through
    ``draft``, at the largest DCT reduction (1/2, 1/4, 1/8) that still covers the target.
    """
    with _untrusted():
        opened = _open(data)
        stored = opened.size
        try:
            if opened.format in ("JPEG", "MPO"):  # orientation is in the header: decode at scale
                orientation = _orientation(opened)
                opened.draft("RGB", _oriented(target(*_oriented(stored, orientation)), orientation))
            opened.load()
            orientation = _orientation(opened)  # PNG and WebP may keep EXIF after the pixels
            image = _flattened(opened)
        except _BROKEN as exc:
            raise _broken(exc, data) from exc
        fmt, icc = "JPEG" if opened.format == "MPO" else str(opened.format), opened.info.get("icc_profile")
        del opened  # a flattened PNG's RGBA pixels (240 MB at 60 MP) are freed before resizing
        full = _oriented(stored, orientation)
        size = _oriented(target(*full), orientation)  # as stored: turning fewer pixels is cheaper
        if image.size != size:
            image = image.resize(size, _FIRST_STEP)
        if orientation in _TRANSPOSE:
            image = image.transpose(_TRANSPOSE[orientation])
        image = _to_srgb(image, icc)
    image.info = {}  # a JPEG comment would otherwise be copied into every output
    return image, fmt, full


@contextmanager
def _untrusted() -> Iterator[None]:
    """Pillow warns about damaged EXIF tag by tag: ignored (the tags are dropped anyway), while
    its decompression bomb warning becomes an error. Process-wide, so no thread runs meanwhile."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


def _open(data: bytes) -> Image.Image:
    """The image's header, checked for type and size before anything is decoded."""
    try:
        opened = Image.open(io.BytesIO(data), formats=FORMATS)
    except UnidentifiedImageError as exc:
        raise MediaRejectedError("not_an_image", "the file is not a JPEG, PNG or WebP image") from exc
    except _BOMB as exc:
        raise MediaRejectedError("too_many_pixels", f"the image has more than {MAX_PIXELS} pixels") from exc
    except _BROKEN as exc:
        raise _broken(exc, data) from exc
    width, height = opened.size
    if width * height > MAX_PIXELS:
        raise _too_many_pixels(opened.size)
    if min(width, height) < 1 or max(width, height) > MAX_ASPECT * min(width, height):
        raise MediaRejectedError(
            "bad_dimensions", f"the image is {width} x {height}; its sides may differ at most {MAX_ASPECT} times"
        )
    return opened


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation (1 to 8); 1 when absent, nonsensical or unreadable."""
    try:
        value = image.getexif().get(_ORIENTATION, 1)
    except _BROKEN:
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _oriented(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    """``size`` as shown (or as stored: the swap is its own inverse); 5 to 8 turn a quarter."""
    return (size[1], size[0]) if orientation >= 5 else size


def _working_size(width: int, height: int) -> tuple[int, int]:
    """The size every rendition is made from: the widest rendition, and tall enough for the
    thumbnail (a wide panorama needs more than 1280 px of width for 240 px of height)."""
    return _fit_width(min(width, max(WIDTHS[0], math.ceil(THUMBNAIL * width / height))), width, height)


def _fit_width(target: int, width: int, height: int) -> tuple[int, int]:
    """``target`` wide with the photo's own proportions (from the full size: no drift)."""
    return target, max(1, round(height * target / width))


def _flattened(image: Image.Image) -> Image.Image:
    """RGB or CMYK pixels; transparency composited on white, as a JPEG cannot hold it.

    White is painted through the inverted alpha onto the colours: the same result as pasting
    the image on white, without the RGBA-sized copies that needs.
    """
    if image.mode in _ALPHA_MODES or "transparency" in image.info:
        rgba = image if image.mode == "RGBA" else image.convert("RGBA")
        flat = rgba.convert("RGB")
        flat.paste(_WHITE, (0, 0, *flat.size), ImageChops.invert(rgba.getchannel("A")))
        return flat
    return image if image.mode in ("RGB", "CMYK") else image.convert("RGB")


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """sRGB pixels, so dropping the profile shifts no colour; a broken profile is ignored."""
    if icc:
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if image.mode != "RGB" or "srgb" not in ImageCms.getProfileDescription(profile).lower():
                converted = ImageCms.profileToProfile(image, profile, _srgb(), outputMode="RGB")
                if converted is not None:
                    return converted
        except _CMS_BROKEN:
            pass
    return image if image.mode == "RGB" else image.convert("RGB")


@lru_cache(maxsize=1)
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _thumbnail(sources: list[Image.Image]) -> Image.Image:
    """A centred square crop from the smallest image that still covers it."""
    side = min(THUMBNAIL, *sources[0].size)
    source = min((s for s in sources if min(s.size) >= side), key=lambda s: s.width * s.height)
    return ImageOps.fit(source, (side, side), _RESAMPLE)


def _draw(draw: ImageDraw.ImageDraw, shape: Shape, size: tuple[int, int]) -> None:
    """One shape, its relative coordinates mapped onto ``size``; strokes scale with the width."""
    width, height = size
    stroke = max(1, round(shape.stroke * width))

    def at(x: float, y: float) -> tuple[int, int]:
        return round(x * (width - 1)), round(y * (height - 1))

    if isinstance(shape, Rect | Ellipse):
        box = (*at(shape.x, shape.y), *at(shape.x + shape.width, shape.y + shape.height))
        if isinstance(shape, Rect):
            draw.rectangle(box, outline=shape.color, width=stroke)
        else:
            draw.ellipse(box, outline=shape.color, width=stroke)
    elif isinstance(shape, Circle):
        (cx, cy), radius = at(shape.cx, shape.cy), round(shape.r * (width - 1))
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=shape.color, width=stroke)
    elif isinstance(shape, Path):
        points = [at(x, y) for x, y in shape.points]
        draw.line(points, fill=shape.color, width=stroke, joint="curve")
        half = stroke / 2
        for x, y in (points[0], points[-1]):  # round caps, like the finger that drew it
            draw.ellipse((x - half, y - half, x + half, y + half), fill=shape.color)


def _too_many_pixels(size: tuple[int, int]) -> MediaRejectedError:
    return MediaRejectedError("too_many_pixels", f"the image is {size[0]} x {size[1]}: more than {MAX_PIXELS} pixels")


def _broken(exc: BaseException, data: bytes) -> MediaRejectedError:
    """Truncated when the bytes stop early (a cut-short upload), unreadable otherwise."""
    riff_short = data[:4] == b"RIFF" and len(data) < 8 + int.from_bytes(data[4:8], "little")
    if isinstance(exc, EOFError) or "truncated" in str(exc).lower() or riff_short:
        return MediaRejectedError("truncated", "the image stops before its end: was the upload cut short?")
    return MediaRejectedError("unreadable", "the image is damaged and cannot be decoded")
