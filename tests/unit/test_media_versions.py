"""F-4.3 photo versions: the typed version reads and writes the JSON every medium already holds."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dealerlink.domain.media import (
    MAX_VERSIONS,
    MediaStatus,
    PhotoVersion,
    Rendition,
    annotation_version,
    check_showable,
    original_version,
)
from dealerlink.errors import ConflictError, ValidationError

RENDITION = {"name": "w1280.jpg", "content_type": "image/jpeg", "width": 1280, "height": 960}
STORED: list[dict[str, Any]] = [  # as intake, the API and the tasks wrote them before the model
    {
        "version": 1,
        "base": None,
        "shapes": [],
        "status": "ready",
        "renditions": [RENDITION],
        "created_at": "2026-01-01T00:00:00+00:00",
        "created_by": "u1",
    },
    {
        "version": 2,
        "base": 1,
        "shapes": [{"type": "rect", "x": 0.1, "y": 0.1, "width": 0.2, "height": 0.2}],
        "status": "failed",
        "created_at": "2026-01-01T00:01:00+00:00",
        "created_by": "u1",
        "reason": {"code": "original_missing", "message": "the photo's original is no longer stored"},
    },
    {"version": 3, "base": 1, "shapes": [], "status": "processing", "created_at": "t", "created_by": "u2"},
]


def test_stored_versions_load_and_write_back_unchanged() -> None:
    versions = [PhotoVersion.model_validate(v) for v in STORED]
    assert [v.stored() for v in versions] == STORED
    assert json.loads(json.dumps([v.stored() for v in versions])) == STORED
    kept = PhotoVersion.model_validate({**STORED[2], "drawn_by": "a later writer"})
    assert kept.stored()["drawn_by"] == "a later writer"  # unknown keys survive a round trip


def test_a_drawn_version_records_its_renditions_and_a_failed_one_its_reason() -> None:
    processing = PhotoVersion.model_validate(STORED[2])
    ready = processing.ready([Rendition.model_validate(RENDITION)]).stored()
    assert ready == {**STORED[2], "status": "ready", "renditions": [RENDITION]}
    failed = processing.failed("annotation_failed", "no").stored()
    assert failed == {**STORED[2], "status": "failed", "reason": {"code": "annotation_failed", "message": "no"}}


def test_the_original_is_version_one_without_a_base() -> None:
    first = original_version([Rendition.model_validate(RENDITION)], created_at="t", created_by="u1").stored()
    assert first == {
        "version": 1,
        "base": None,
        "shapes": [],
        "status": "ready",
        "renditions": [RENDITION],
        "created_at": "t",
        "created_by": "u1",
    }


def test_an_annotation_adds_to_the_shown_versions_shapes_one_at_a_time() -> None:
    one, two = (PhotoVersion.model_validate({**v, "status": "ready"}) for v in STORED[:2])
    added = [{"type": "circle", "cx": 0.5, "cy": 0.5, "r": 0.1}]
    made = annotation_version([one, two], 2, added, created_at="t", created_by="u3")
    assert (made.version, made.base, made.status) == (3, 2, MediaStatus.PROCESSING)
    assert made.shapes == [*two.shapes, *added]
    with pytest.raises(ConflictError) as busy:
        annotation_version([one, made], 1, added, created_at="t", created_by="u3")
    assert busy.value.code == "not_ready"
    many = [one.model_copy(update={"version": n}) for n in range(1, MAX_VERSIONS + 1)]
    with pytest.raises(ConflictError) as full:
        annotation_version(many, 1, added, created_at="t", created_by="u3")
    assert full.value.code == "too_many_versions"


def test_only_a_ready_version_can_be_shown() -> None:
    versions = [PhotoVersion.model_validate(v) for v in STORED]
    assert check_showable(versions, 1).version == 1
    with pytest.raises(ConflictError) as failed:
        check_showable(versions, 2)
    assert (failed.value.code, str(failed.value)) == (
        "version_failed",
        "version 2 failed: the photo's original is no longer stored",
    )
    with pytest.raises(ConflictError) as busy:
        check_showable(versions, 3)
    assert (busy.value.code, str(busy.value)) == ("not_ready", "version 3 is processing")
    with pytest.raises(ValidationError):
        check_showable(versions, 4)
