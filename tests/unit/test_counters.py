from __future__ import annotations

from dealerlink.domain.counters import Change, item_count_deltas

A = "DLR#A"
B = "DLR#B"


def test_inserts_and_removals_net_out_per_dealership_and_type() -> None:
    changes = [
        Change("INSERT", A, "intervention"),
        Change("INSERT", A, "intervention"),
        Change("REMOVE", A, "intervention"),
        Change("INSERT", B, "intervention"),
        Change("MODIFY", B, "intervention"),
        Change("INSERT", A, "media"),
        Change("REMOVE", A, "media"),
    ]
    assert item_count_deltas(changes) == {(A, "intervention"): 1, (B, "intervention"): 1}


def test_counters_and_untenanted_items_are_never_counted() -> None:
    changes = [
        Change("INSERT", A, "counters"),
        Change("INSERT", "idempotency#dealerlink-media", None),
        Change("INSERT", "LOOKUP#x", "lookup"),
        Change("INSERT", A, None),
    ]
    assert item_count_deltas(changes) == {}
