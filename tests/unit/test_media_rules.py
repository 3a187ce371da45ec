"""F-4.1/F-4.2 rules on what may be uploaded and what is kept once it arrived."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealerlink.domain.media import (
    ALLOWED_TYPES,
    DOCX,
    MAX_BYTES,
    MIB,
    MediaKind,
    MediaLimits,
    MediaRef,
    MediaRejectedError,
    UploadRequest,
    check_arrived,
    check_upload,
    parse_original_key,
    part_count,
    safe_filename,
    sniff,
)
from dealerlink.errors import ValidationError
from dealerlink.ids import new_id

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
MOV = b"\x00\x00\x00\x14ftypqt  \x20\x05\x03\x00qt  "
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
DOCX_HEAD = b"PK\x03\x04" + b"\x00" * 26 + b"[Content_Types].xmlPK\x03\x04....word/document.xml"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
HTML = b"<!doctype html><script>alert(1)</script>"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"%PDF-1.7\n", "application/pdf"),
        (MP4, "video/mp4"),
        (MOV, "video/quicktime"),
        (DOCX_HEAD, DOCX),
        (HEIC, None),
        (SVG, None),
        (HTML, None),
        (b"PK\x03\x04" + b"\x00" * 40 + b"evil.exe", None),
        (b"", None),
    ],
)
def test_type_is_read_from_the_bytes(head: bytes, expected: str | None) -> None:
    assert sniff(head) == expected


@pytest.mark.parametrize("disguised", [SVG, HTML, b"GIF89a" + b"\x00" * 20])
def test_html_or_svg_disguised_as_jpeg_is_rejected(disguised: bytes) -> None:
    with pytest.raises(MediaRejectedError) as refused:
        check_arrived(MediaKind.PHOTO, disguised, size=len(disguised), declared_size=len(disguised))
    assert refused.value.code == "type_not_allowed"


def test_a_video_where_a_photo_was_signed_is_rejected() -> None:
    with pytest.raises(MediaRejectedError, match="not one of"):
        check_arrived(MediaKind.PHOTO, MP4, size=1000, declared_size=1000)


def test_more_bytes_than_signed_are_rejected() -> None:
    with pytest.raises(MediaRejectedError) as refused:
        check_arrived(MediaKind.PHOTO, JPEG, size=2_000, declared_size=1_000)
    assert refused.value.code == "too_large"


def test_arrived_file_answers_its_real_type() -> None:
    assert check_arrived(MediaKind.ATTACHMENT, JPEG, size=500, declared_size=500) == "image/jpeg"


@given(st.binary(max_size=64))
def test_sniffing_never_fails_on_any_bytes(head: bytes) -> None:
    found = sniff(head)
    assert found is None or found in set().union(*ALLOWED_TYPES.values())


def _request(**fields: object) -> UploadRequest:
    return UploadRequest.model_validate({"kind": "photo", "content_type": "image/jpeg", "size": 1000, **fields})


def test_photos_of_a_type_not_allowed_are_refused_before_upload() -> None:
    with pytest.raises(ValidationError) as refused:
        check_upload(_request(content_type="image/svg+xml"), MediaLimits())
    assert (refused.value.field, refused.value.code) == ("content_type", "type_not_allowed")


def test_oversize_files_are_refused_before_upload() -> None:
    with pytest.raises(ValidationError) as refused:
        check_upload(_request(size=MAX_BYTES[MediaKind.PHOTO] + 1), MediaLimits())
    assert (refused.value.field, refused.value.code) == ("size", "too_large")


def test_a_six_minute_video_is_refused_when_its_length_is_declared() -> None:
    video = _request(kind="video", content_type="video/mp4", size=50 * MIB, duration_seconds=360)
    with pytest.raises(ValidationError) as refused:
        check_upload(video, MediaLimits())
    assert (refused.value.field, refused.value.code) == ("duration_seconds", "too_long")
    check_upload(video, MediaLimits(max_video_seconds=400))


def test_a_video_must_declare_its_length_and_an_attachment_its_name() -> None:
    with pytest.raises(ValidationError, match="duration_seconds"):
        check_upload(_request(kind="video", content_type="video/mp4"), MediaLimits())
    with pytest.raises(ValidationError, match="filename"):
        check_upload(_request(kind="attachment", content_type="application/pdf"), MediaLimits())


def test_only_original_keys_under_a_dealership_name_a_medium() -> None:
    ref = MediaRef(new_id(), new_id(), new_id())
    assert parse_original_key(ref.original_key) == ref
    assert parse_original_key(ref.rendition_key(1, "w640.jpg")) is None
    assert parse_original_key(f"elsewhere/{ref.original_key}") is None
    assert parse_original_key(ref.original_key.replace("/media/", "/../media/")) is None
    assert ref.original_key.startswith(f"dealerships/{ref.dealership_id}/")


def test_a_checked_copy_lives_under_the_medium_and_wakes_no_intake() -> None:
    ref = MediaRef(new_id(), new_id(), new_id())
    key = ref.checked_key('"0cc175b9c0f1b6a831c399e269772661"')
    assert key == f"{ref.prefix}checked/0cc175b9c0f1b6a831c399e269772661"
    assert key.startswith(f"dealerships/{ref.dealership_id}/") and not key.endswith("/original")
    assert parse_original_key(key) is None
    assert ref.checked_key('"../../x"') == f"{ref.prefix}checked/x"  # an ETag cannot climb out


@pytest.mark.parametrize(
    ("given_name", "content_type", "expected"),
    [
        ("Devis n°42.pdf", "application/pdf", "Devis n°42.pdf"),
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        ("C:\\Users\\x\\quote", "application/pdf", "quote.pdf"),
        ('a"b\x00\n.docx', DOCX, 'a"b_.docx'),
        (None, "image/jpeg", "01hzzzdemqdea1ersh1p000000.jpg"),
        ("...", "image/png", "01hzzzdemqdea1ersh1p000000.png"),
    ],
)
def test_download_names_carry_no_path_and_their_real_extension(
    given_name: str | None, content_type: str, expected: str
) -> None:
    assert safe_filename(given_name, "01HZZZDEMQDEA1ERSH1P000000", content_type) == expected


def test_multipart_uploads_fit_within_s3s_part_limit() -> None:
    assert part_count(1, 8 * MIB) == 1
    assert part_count(8 * MIB + 1, 8 * MIB) == 2
    with pytest.raises(ValidationError):
        part_count(10_001 * 8 * MIB, 8 * MIB)
