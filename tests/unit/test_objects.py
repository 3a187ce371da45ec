from __future__ import annotations

import pytest

from dealerlink.domain.objects import dealership_prefix, parse_object_key
from dealerlink.errors import ValidationError

DEALERSHIP = "01HZZZDEMQDEA1ERSH1P000000"


def test_key_under_a_dealership_names_its_tenant() -> None:
    obj = parse_object_key(f"dealerships/{DEALERSHIP}/interventions/x/photo.jpg")
    assert obj.dealership_id == DEALERSHIP
    assert obj.path == "interventions/x/photo.jpg"
    assert obj.key == f"{dealership_prefix(DEALERSHIP)}interventions/x/photo.jpg"


@pytest.mark.parametrize(
    "key",
    [
        "photo.jpg",
        "dealerships/not-an-id/photo.jpg",
        f"dealerships/{DEALERSHIP}/../{DEALERSHIP}/x.jpg",
        f"dealerships/{DEALERSHIP}/",
        f"other/{DEALERSHIP}/x.jpg",
        f"dealerships/{DEALERSHIP}/a b.jpg",
    ],
)
def test_keys_outside_a_dealership_are_refused(key: str) -> None:
    with pytest.raises(ValidationError) as raised:
        parse_object_key(key)
    assert raised.value.field == "key"
