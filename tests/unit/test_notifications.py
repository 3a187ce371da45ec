from __future__ import annotations

import json
from pathlib import Path

from dealerlink.adapters.events import objects_created
from dealerlink.domain.notifications import ObjectCreated

EVENTS = Path(__file__).parents[1] / "events"


def test_s3_test_event_announces_nothing() -> None:
    assert objects_created(json.loads((EVENTS / "s3_test_event.json").read_text())) == []


def test_keys_are_decoded_once() -> None:
    notification = json.loads((EVENTS / "s3_object_created.json").read_text())
    assert objects_created(notification) == [
        ObjectCreated(
            bucket="dealerlink-prod-media-123456789012-eu-west-1",
            key="dealerships/01HZZZDEMQDEA1ERSH1P000000/inbox/front left+1.jpg",
            size=1024,
            etag="0123456789abcdef0123456789abcdef",
        )
    ]


def test_other_event_names_are_ignored() -> None:
    notification = json.loads((EVENTS / "s3_object_created.json").read_text())
    notification["Records"][0]["eventName"] = "ObjectRemoved:Delete"
    assert objects_created(notification) == []
