"""Photo renditions and annotation (F-4.3, F-4.5) on images generated here: no binary fixtures."""

from __future__ import annotations

import io
import struct
import time
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageCms, ImageFile

from dealerlink.adapters.imaging import MAX_PIXELS, Photo, annotate, photo_renditions
from dealerlink.domain.annotations import parse_shapes
from dealerlink.domain.media import MediaRejectedError

RED, BLUE, GREY, WHITE = (255, 0, 0), (0, 0, 255), (128, 128, 128), (255, 255, 255)
SECRET = b"serial-4242-do-not-leak"  # in the source's JPEG comment and XMP


def encoded(image: Image.Image, fmt: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def halves(size: tuple[int, int], first: tuple[int, int, int], second: tuple[int, int, int]) -> Image.Image:
    """Left half ``first``, right half ``second``: which way it was turned shows."""
    image = Image.new("RGB", size, second)
    image.paste(first, (0, 0, size[0] // 2, size[1]))
    return image


def phone_jpeg(size: tuple[int, int] = (1600, 1200), orientation: int = 6) -> bytes:
    """What a phone held upright sends: stored sideways, EXIF orientation, GPS, XMP, ICC, comment."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825).update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)})
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + SECRET + b"</x:xmpmeta>"
    return encoded(halves(size, RED, BLUE), "JPEG", exif=exif, icc_profile=srgb, xmp=xmp, comment=SECRET)


def png_header_only_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of any size that compresses to a few KB: a decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    packer = zlib.compressobj(9)
    row = bytes(1 + (width + 7) // 8)
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def near(pixel: Any, colour: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def rejected(call: Callable[[], object]) -> str:
    with pytest.raises(MediaRejectedError) as raised:
        call()
    return raised.value.code


@pytest.fixture(scope="module")
def phone_photo() -> Photo:
    return photo_renditions(phone_jpeg())


# --- renditions ---------------------------------------------------------------------------


def test_renditions_are_three_widths_in_webp_and_jpeg_and_a_thumbnail(phone_photo: Photo) -> None:
    names = [(r.name, r.content_type) for r in phone_photo.renditions]
    assert names == [
        ("w1280.webp", "image/webp"),
        ("w1280.jpg", "image/jpeg"),
        ("w640.webp", "image/webp"),
        ("w640.jpg", "image/jpeg"),
        ("w320.webp", "image/webp"),
        ("w320.jpg", "image/jpeg"),
        ("thumb.jpg", "image/jpeg"),
    ]
    for rendition in phone_photo.renditions:
        image = decoded(rendition.data)
        assert image.format == rendition.content_type.split("/")[1].upper()
        assert image.size == (rendition.width, rendition.height)
        assert image.mode == "RGB"


def test_exif_orientation_is_applied_to_every_rendition(phone_photo: Photo) -> None:
    assert (phone_photo.width, phone_photo.height, phone_photo.format) == (1200, 1600, "JPEG")
    sizes = {r.name: (r.width, r.height) for r in phone_photo.renditions}
    assert sizes["w640.jpg"] == (640, 853)
    assert sizes["w320.webp"] == (320, 427)
    # Orientation 6 turns the stored left half (red) into the top half.
    image = decoded(next(r for r in phone_photo.renditions if r.name == "w320.jpg").data)
    assert near(image.getpixel((160, 20)), RED)
    assert near(image.getpixel((160, 400)), BLUE)


def test_no_rendition_carries_exif_gps_xmp_icc_or_comment(phone_photo: Photo) -> None:
    for rendition in phone_photo.renditions:
        image = decoded(rendition.data)
        assert dict(image.getexif()) == {}
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
        for marker in (b"Exif", b"PhoneMaker", b"xmpmeta", b"ICC_PROFILE", SECRET):
            assert marker not in rendition.data, (rendition.name, marker)


def test_a_rendition_is_never_wider_than_the_photo(phone_photo: Photo) -> None:
    sizes = {r.name: (r.width, r.height) for r in phone_photo.renditions}
    assert sizes["w1280.webp"] == (1200, 1600)  # the photo is 1200 wide once upright

    small = photo_renditions(encoded(Image.new("RGB", (200, 150), GREY), "PNG"))
    assert {(r.width, r.height) for r in small.renditions if r.name != "thumb.jpg"} == {(200, 150)}
    thumb = next(r for r in small.renditions if r.name == "thumb.jpg")
    assert (thumb.width, thumb.height) == (150, 150)


def test_the_thumbnail_is_a_centred_square_crop(phone_photo: Photo) -> None:
    thumb = next(r for r in phone_photo.renditions if r.name == "thumb.jpg")
    assert (thumb.width, thumb.height) == (240, 240)
    image = decoded(thumb.data)  # upright 3:4, red over blue: the centre crop keeps both
    assert near(image.getpixel((120, 10)), RED)
    assert near(image.getpixel((120, 230)), BLUE)


def test_a_wide_panorama_still_gets_a_full_size_thumbnail() -> None:
    photo = photo_renditions(encoded(Image.new("RGB", (4000, 500), GREY), "JPEG"))
    sizes = {r.name: (r.width, r.height) for r in photo.renditions}
    assert sizes["w1280.jpg"] == (1280, 160)
    assert sizes["thumb.jpg"] == (240, 240)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_transparency_is_flattened_on_white(fmt: str) -> None:
    image = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    image.paste((255, 0, 0, 255), (0, 0, 200, 300))
    photo = photo_renditions(encoded(image, fmt, **({"lossless": True} if fmt == "WEBP" else {})))
    assert photo.format == fmt
    for rendition in photo.renditions:
        flat = decoded(rendition.data)
        assert flat.mode == "RGB"
        assert near(flat.getpixel((2, flat.height // 2)), RED), rendition.name
        assert near(flat.getpixel((flat.width - 3, flat.height // 2)), WHITE), rendition.name


def test_a_palette_png_with_a_transparent_colour_is_flattened_on_white() -> None:
    image = Image.new("P", (64, 48), 0)
    image.putpalette([0, 0, 0, 255, 0, 0])
    image.paste(1, (0, 0, 32, 48))
    photo = photo_renditions(encoded(image, "PNG", transparency=0))
    flat = decoded(photo.renditions[1].data)
    assert near(flat.getpixel((2, 24)), RED)
    assert near(flat.getpixel((61, 24)), WHITE)


@pytest.mark.parametrize("mode", ["L", "CMYK", "I;16", "1", "LA"])
def test_every_pixel_mode_becomes_rgb(mode: str) -> None:
    image = Image.new(mode, (64, 48))
    fmt = "JPEG" if mode in ("L", "CMYK") else "PNG"
    photo = photo_renditions(encoded(image, fmt))
    assert {decoded(r.data).mode for r in photo.renditions} == {"RGB"}


# --- what is refused ----------------------------------------------------------------------


def test_a_20000_by_20000_png_is_refused_without_being_decoded(monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = png_header_only_bomb(20_000, 20_000)
    assert len(bomb) < 200_000

    def no_decoding(self: ImageFile.ImageFile) -> None:
        raise AssertionError("a decompression bomb was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    started = time.perf_counter()
    assert rejected(lambda: photo_renditions(bomb)) == "too_many_pixels"
    assert rejected(lambda: annotate(bomb, [])) == "too_many_pixels"
    assert time.perf_counter() - started < 1


def test_the_pixel_limit_is_ours_not_pillows_global(monkeypatch: pytest.MonkeyPatch) -> None:
    """64 MP is under Pillow's own bomb threshold; our limit refuses it, leaving the global be."""
    before = Image.MAX_IMAGE_PIXELS
    pixels = 8000 * 8000
    assert before is not None and MAX_PIXELS < pixels < before
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("decoded"))
    assert rejected(lambda: photo_renditions(png_header_only_bomb(8000, 8000))) == "too_many_pixels"
    assert before == Image.MAX_IMAGE_PIXELS


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_truncated_image_is_refused(fmt: str) -> None:
    data = encoded(Image.effect_noise((320, 240), 60).convert("RGB"), fmt)
    assert rejected(lambda: photo_renditions(data[: len(data) // 2])) == "truncated"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"<svg onload=alert(1)>",
        b"",
        b"\xff\xd8\xff",  # a JPEG's first bytes and nothing else
        encoded(Image.new("RGB", (8, 8)), "GIF"),  # a real image, of a type not accepted
        encoded(Image.new("RGB", (8, 8)), "BMP"),
    ],
    ids=["html", "svg", "svg-short", "empty", "jpeg-magic-only", "gif", "bmp"],
)
def test_what_is_not_a_jpeg_png_or_webp_is_refused_whatever_its_name(data: bytes) -> None:
    assert rejected(lambda: photo_renditions(data)) == "not_an_image"
    assert rejected(lambda: annotate(data, [])) == "not_an_image"


def test_absurd_proportions_are_refused() -> None:
    strip = encoded(Image.new("L", (4000, 100)), "PNG")
    assert rejected(lambda: photo_renditions(strip)) == "bad_dimensions"


SAMPLES = [
    phone_jpeg((48, 32)),
    encoded(Image.effect_noise((48, 32), 50).convert("RGB"), "JPEG", progressive=True),
    encoded(Image.new("RGBA", (48, 32), (1, 2, 3, 4)), "PNG"),
    encoded(Image.new("RGB", (48, 32), GREY), "WEBP"),
]


@st.composite
def mutated_images(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 6))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data[: draw(st.integers(1, len(data)))])


CODES = {"not_an_image", "too_many_pixels", "bad_dimensions", "truncated", "unreadable"}


def outcome(call: Callable[[], object]) -> str:
    try:
        call()
    except MediaRejectedError as rejection:
        return rejection.code
    return "done"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=512), mutated_images()))
def test_any_bytes_give_renditions_or_a_media_rejection(data: bytes) -> None:
    assert outcome(lambda: photo_renditions(data)) in {"done", *CODES}
    shapes = parse_shapes([{"type": "rect", "x": 0.1, "y": 0.1, "width": 0.5, "height": 0.5}])
    assert outcome(lambda: annotate(data, shapes)) in {"done", *CODES}


# --- annotation ---------------------------------------------------------------------------


def test_annotation_draws_a_rectangle_where_asked() -> None:
    original = encoded(Image.new("RGB", (400, 300), GREY), "JPEG", quality=95)
    shapes = parse_shapes([{"type": "rect", "x": 0.25, "y": 0.25, "width": 0.5, "height": 0.5, "color": "#FF0000"}])
    image = decoded(annotate(original, shapes))
    assert image.size == (400, 300)
    assert near(image.getpixel((101, 150)), RED)  # on the left edge (x = 0.25 of 399 px)
    assert near(image.getpixel((298, 150)), RED)  # on the right edge
    assert near(image.getpixel((200, 150)), GREY)  # inside
    assert near(image.getpixel((50, 150)), GREY)  # outside


def test_annotation_draws_circles_ellipses_and_free_drawing() -> None:
    original = encoded(Image.new("RGB", (400, 300), GREY), "PNG")
    shapes = parse_shapes(
        [
            {"type": "circle", "cx": 0.5, "cy": 0.5, "r": 0.25, "color": "#0000FF"},
            {"type": "ellipse", "x": 0.0, "y": 0.0, "width": 0.2, "height": 0.2, "color": "#FF0000"},
            {"type": "path", "points": [[0.1, 0.9], [0.9, 0.9]], "color": "#FF0000"},
        ]
    )
    image = decoded(annotate(original, shapes))
    assert near(image.getpixel((200 + 99, 150)), BLUE)  # on the circle, radius 0.25 of 399 px
    assert near(image.getpixel((200, 150 - 99)), BLUE)  # radius follows the width, not the height
    assert near(image.getpixel((200, 150)), GREY)
    assert near(image.getpixel((1, 30)), RED)  # the ellipse's left edge
    assert near(image.getpixel((200, 269)), RED)  # along the path
    assert near(image.getpixel((200, 240)), GREY)


def test_strokes_scale_with_the_image_width() -> None:
    shapes = parse_shapes([{"type": "path", "points": [[0, 0.5], [1, 0.5]], "stroke": 0.02, "color": "#FF0000"}])

    def thickness(width: int) -> int:
        image = decoded(annotate(encoded(Image.new("RGB", (width, width), WHITE), "PNG"), shapes))
        return sum(near(image.getpixel((width // 2, y)), RED, 80) for y in range(width))

    assert thickness(400) == pytest.approx(8, abs=2)
    assert thickness(800) == pytest.approx(16, abs=2)


def test_annotation_follows_the_upright_photo_and_strips_metadata() -> None:
    original = phone_jpeg((400, 300), orientation=6)
    top_left = parse_shapes([{"type": "rect", "x": 0, "y": 0, "width": 0.25, "height": 0.25, "color": "#00FF00"}])
    data = annotate(original, top_left)
    image = decoded(data)
    assert image.size == (300, 400)
    assert near(image.getpixel((1, 1)), (0, 255, 0), 60)
    assert near(image.getpixel((298, 398)), BLUE)  # far from the shape: the photo as it was
    assert dict(image.getexif()) == {} and b"Exif" not in data and SECRET not in data


def test_annotating_keeps_the_original_and_makes_a_new_version() -> None:
    original = phone_jpeg((400, 300))
    kept = bytes(original)
    shapes = parse_shapes([{"type": "rect", "x": 0.1, "y": 0.1, "width": 0.2, "height": 0.2}])
    annotated = annotate(original, shapes)
    assert original == kept
    assert annotated != original
    version = photo_renditions(annotated)
    assert (version.width, version.height) == (300, 400)  # already upright: not turned twice
    assert photo_renditions(original).width == version.width


def test_undo_is_annotating_the_original_with_fewer_shapes() -> None:
    original = encoded(Image.new("RGB", (200, 100), GREY), "PNG")
    rect = {"type": "rect", "x": 0.1, "y": 0.1, "width": 0.2, "height": 0.2, "color": "#FF0000"}
    path = {"type": "path", "points": [[0.5, 0.5], [0.9, 0.5]], "color": "#FF0000"}
    assert annotate(original, parse_shapes([rect, path])) != annotate(original, parse_shapes([rect]))
    assert annotate(original, parse_shapes([rect])) == annotate(original, parse_shapes([rect]))
    assert near(decoded(annotate(original, [])).getpixel((70, 50)), GREY)


def test_a_multi_picture_jpeg_from_a_phone_is_a_jpeg() -> None:
    """Some phones add a second picture (MPO); Pillow names it MPO, it is a JPEG all the same."""
    data = encoded(halves((64, 48), RED, BLUE), "MPO", save_all=True, append_images=[Image.new("RGB", (32, 24))])
    photo = photo_renditions(data)
    assert (photo.format, photo.width, photo.height) == ("JPEG", 64, 48)
