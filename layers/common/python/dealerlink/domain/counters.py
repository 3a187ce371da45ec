"""Which table changes move which counters: statistics cost the same at any table size."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    """One table change as the stream reports it, reduced to what counting needs."""

    event: str  # INSERT | MODIFY | REMOVE
    pk: str
    item_type: str | None


def item_count_deltas(changes: Iterable[Change]) -> dict[tuple[str, str], int]:
    """Net change of items per (tenant key, type): +1 per insert, -1 per removal.

    Items outside a dealership (idempotency records, lookups) and the counters themselves
    are not counted, so counting never feeds on its own writes.
    """
    deltas: Counter[tuple[str, str]] = Counter()
    for change in changes:
        if not change.pk.startswith("DLR#") or not change.item_type or change.item_type == "counters":
            continue
        if change.event == "INSERT":
            deltas[(change.pk, change.item_type)] += 1
        elif change.event == "REMOVE":
            deltas[(change.pk, change.item_type)] -= 1
    return {key: value for key, value in deltas.items() if value}
