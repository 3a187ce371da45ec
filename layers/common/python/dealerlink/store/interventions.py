"""Interventions on the single table.

- the intervention: ``DLR#<d>`` / ``INT#<id>``; the open ones also sit in the sparse GSI1
  (``DLR#<d>#OPEN``), every one in GSI2 (``DLR#<d>#INT``): both lists are Queries, newest
  first by ULID, and closing takes a file out of GSI1;
- its history: ``DLR#<d>`` / ``HIST#<id>#<event ulid>``;
- offline sync: a phone names its file with a ULID made when the technician filmed it; that
  id is the intervention's id, so every retry of the create targets the same item and the
  conditional put lets exactly one through (and lists keep the capture order). The file keeps
  its create's fingerprint: a retry is answered the file only when it says the same.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.expressions.condition import Condition

from dealerlink.domain import search
from dealerlink.domain.interventions import Status, check_closable, check_deletable, check_editable
from dealerlink.errors import ConflictError, NotFoundError
from dealerlink.ids import new_id
from dealerlink.retry import retry_on_conflict
from dealerlink.store.table import BaseItem, dealership_pk, json_text, start_key
from dealerlink.store.transactions import TransactionFailedError, transaction


class Intervention(BaseItem, discriminator="intervention"):
    intervention_id = UnicodeAttribute()
    dealership_id = UnicodeAttribute()
    status = UnicodeAttribute()
    version = NumberAttribute(default=1)
    mode = UnicodeAttribute()
    module = UnicodeAttribute()
    brand = UnicodeAttribute()
    reference = UnicodeAttribute()
    author_id = UnicodeAttribute()
    author_kind = UnicodeAttribute()  # user | device
    assignee_id = UnicodeAttribute(null=True)
    client_id = UnicodeAttribute(null=True)
    body_hash = UnicodeAttribute(null=True)  # fingerprint of the create's body, with a client_id
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    customer_id = UnicodeAttribute(null=True)
    doc = UnicodeAttribute()  # vehicle, contact, message, works, internal message… (JSON)
    answers = UnicodeAttribute(null=True)  # {"work id": true|false} once answered (JSON)
    accepted_amount = UnicodeAttribute(null=True)  # decimal string, in the dealership's currency
    answered_at = UnicodeAttribute(null=True)
    answer_origin = UnicodeAttribute(null=True)  # customer_page | phone | in_person | email | other
    page_token = UnicodeAttribute(null=True)  # the customer's link, once sent (revocable)
    sent_at = UnicodeAttribute(null=True)
    sent_by = UnicodeAttribute(null=True)
    sent_channel = UnicodeAttribute(null=True)
    read_at = UnicodeAttribute(null=True)
    rating = UnicodeAttribute(null=True)  # {"stars", "comment", "at"} (JSON)
    callback = UnicodeAttribute(null=True)  # {"message", "at"} (JSON)

    @property
    def fields(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.doc)
        return loaded


class HistoryEvent(BaseItem, discriminator="history_event"):
    intervention_id = UnicodeAttribute()
    at = UnicodeAttribute()
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    details = UnicodeAttribute(null=True)


class Keyword(BaseItem, discriminator="keyword"):
    """``DLR#<d>#KW#<first 2 chars>`` / ``<keyword>#<intervention id>``: prefix search by Query."""

    intervention_id = UnicodeAttribute()


def _keyword(dealership_id: str, keyword: str, intervention_id: str) -> Keyword:
    return Keyword(
        f"DLR#{dealership_id}#KW#{keyword[:2]}", f"{keyword}#{intervention_id}", intervention_id=intervention_id
    )


def keywords_of(item: Intervention) -> set[str]:
    doc = item.fields
    return set(search.keywords(item.reference, doc.get("vehicle") or {}, doc.get("contact")))


def now() -> str:
    return datetime.now(UTC).isoformat()


def history_event(item: Intervention, actor: str, action: str, details: dict[str, Any] | None = None) -> HistoryEvent:
    return HistoryEvent(
        item.PK,
        f"HIST#{item.intervention_id}#{new_id()}",
        intervention_id=item.intervention_id,
        at=now(),
        actor=actor,
        action=action,
        details=json_text(details) if details else None,
    )


def add_history(dealership_id: str, intervention_id: str, actor: str, action: str, details: dict[str, Any]) -> None:
    """Note something that happened to a file outside its own writes (a message that bounced)."""
    HistoryEvent(
        dealership_pk(dealership_id),
        f"HIST#{intervention_id}#{new_id()}",
        intervention_id=intervention_id,
        at=now(),
        actor=actor,
        action=action,
        details=json_text(details),
    ).save()


def index_item(item: Intervention) -> None:
    d = item.dealership_id
    item.GSI2PK, item.GSI2SK = f"DLR#{d}#INT", item.intervention_id
    if item.status == Status.CLOSED:
        item.GSI1PK = item.GSI1SK = None
    else:
        item.GSI1PK, item.GSI1SK = f"DLR#{d}#OPEN", item.intervention_id


class AlreadyCreatedError(Exception):
    """A create retried with a client id that already made an intervention."""

    def __init__(self, intervention: Intervention) -> None:
        self.intervention = intervention


def create(
    item: Intervention,
    actor: str,
    action: str = "created",
    details: dict[str, Any] | None = None,
    new_items: list[BaseItem] | None = None,
) -> Intervention:
    """Create the intervention, its first history event and its keywords, and ``new_items``
    (a new customer and its look-ups) with it: all or nothing, none overwritten."""
    item.PK, item.SK = dealership_pk(item.dealership_id), f"INT#{item.intervention_id}"
    item.created_at = item.updated_at = now()
    item.status, item.version = Status.WAITING_TO_SEND.value, 1
    index_item(item)
    try:
        with transaction({(item.PK, item.SK): ConflictError("intervention exists")}) as tx:
            tx.save(item, condition=Intervention.PK.does_not_exist())
            tx.save(history_event(item, actor, action, details))
            for keyword in keywords_of(item):
                tx.save(_keyword(item.dealership_id, keyword, item.intervention_id))
            for extra in new_items or []:
                tx.save(extra, condition=BaseItem.PK.does_not_exist())
    except (ConflictError, TransactionFailedError):
        if not item.client_id:
            raise
        # Another attempt with this client id won (or is committing right now): return its file.
        in_progress = partial(ConflictError, "a create with this client_id is in progress; retry", field="client_id")
        existing = retry_on_conflict(
            lambda _: get(item.dealership_id, item.intervention_id),
            attempts=5,
            retry=NotFoundError,
            pause=0.05,
            gave_up=in_progress,
        )
        _check_replay(existing, item)
        raise AlreadyCreatedError(existing) from None
    return item


def _check_replay(existing: Intervention, replay: Intervention) -> None:
    """A retry is the same create (same fingerprint); any other is refused, saying nothing of
    the file that holds the id (files made before fingerprints are kept are refused alike)."""
    if existing.body_hash is None or existing.body_hash != replay.body_hash:
        raise ConflictError(
            "this client_id was used for another create; make a new one", field="client_id", code="client_id_reused"
        ) from None


def get(dealership_id: str, intervention_id: str) -> Intervention:
    try:
        return Intervention.get(dealership_pk(dealership_id), f"INT#{intervention_id}", consistent_read=True)
    except Intervention.DoesNotExist:
        raise NotFoundError("no such intervention", field="intervention_id") from None


def _explain_conflict(dealership_id: str, intervention_id: str, expected_version: int) -> ConflictError:
    current = get(dealership_id, intervention_id)
    check_editable(current.status)
    return ConflictError(
        f"the intervention changed meanwhile (version {current.version}); reload and retry",
        field="version",
        code="stale_version",
    )


def edit(item: Intervention, changes: dict[str, Any], expected_version: int, actor: str) -> Intervention:
    """Apply edited fields if still waiting_to_send at ``expected_version`` (else 409)."""
    check_editable(item.status)
    before = keywords_of(item)
    for name, value in changes.items():
        setattr(item, name, value)
    after = keywords_of(item)
    item.version, item.updated_at = expected_version + 1, now()
    try:
        with transaction({(item.PK, item.SK): ConflictError("conflict")}) as tx:
            tx.save(
                item,
                condition=(Intervention.version == expected_version) & (Intervention.status == Status.WAITING_TO_SEND),
            )
            tx.save(history_event(item, actor, "edited", {"fields": sorted(changes)}))
            for gone in before - after:
                tx.delete(_keyword(item.dealership_id, gone, item.intervention_id))
            for new in after - before:
                tx.save(_keyword(item.dealership_id, new, item.intervention_id))
    except ConflictError:
        raise _explain_conflict(item.dealership_id, item.intervention_id, expected_version) from None
    return item


def record_answers(
    item: Intervention,
    answers: dict[str, bool],
    accepted_amount: str,
    origin: str,
    actor: str,
    *,
    answerable: tuple[str, ...] = (Status.WAITING_TO_SEND.value, Status.SENT.value, Status.READ.value),
    messages: Sequence[BaseItem] | None = None,
) -> Intervention:
    """Lock the answers: only once, only from an ``answerable`` status, with the messages that
    tell of them (customer confirmation, team notices) in the same transaction."""
    if item.status not in answerable:
        raise ConflictError(f"this intervention is {item.status}: its answers are locked", code="answers_locked")
    previous = item.version
    item.status, item.version, item.updated_at = Status.ANSWERED.value, previous + 1, now()
    item.answers, item.accepted_amount, item.answer_origin = json.dumps(answers), accepted_amount, origin
    item.answered_at = item.updated_at
    index_item(item)
    locked = ConflictError("the answers were recorded meanwhile; they are locked", code="answers_locked")
    with transaction({(item.PK, item.SK): locked}) as tx:
        tx.save(item, condition=Intervention.status.is_in(*answerable) & (Intervention.version == previous))
        tx.save(history_event(item, actor, "answered", {"origin": origin, "accepted_amount": accepted_amount}))
        for message in messages or []:
            tx.save(message)
    return item


def close(item: Intervention, actor: str) -> Intervention:
    check_closable(item.status)
    previous = item.version
    item.status, item.version, item.updated_at = Status.CLOSED.value, previous + 1, now()
    index_item(item)
    already = ConflictError("this intervention is already closed", code="already_closed")
    with transaction({(item.PK, item.SK): already}) as tx:
        tx.save(item, condition=(Intervention.status != Status.CLOSED) & (Intervention.version == previous))
        tx.save(history_event(item, actor, "closed"))
    return item


def delete(item: Intervention) -> None:
    """Final: the intervention, its client id and its history go."""
    check_deletable(item.status)
    with transaction(
        {(item.PK, item.SK): ConflictError("only a closed intervention can be deleted", code="not_closed")}
    ) as tx:
        tx.delete(item, condition=Intervention.status == Status.CLOSED)
        for keyword in keywords_of(item):
            tx.delete(_keyword(item.dealership_id, keyword, item.intervention_id))
    with HistoryEvent.batch_write() as batch:
        for event in HistoryEvent.query(item.PK, HistoryEvent.SK.startswith(f"HIST#{item.intervention_id}#")):
            batch.delete(event)


def history(
    dealership_id: str, intervention_id: str, limit: int, cursor: dict[str, Any] | None
) -> tuple[list[HistoryEvent], Any]:
    pk, sk = dealership_pk(dealership_id), f"HIST#{intervention_id}#"
    page = HistoryEvent.query(
        pk,
        HistoryEvent.SK.startswith(sk),
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=start_key(cursor, equal={"PK": pk}, prefix={"SK": sk}),
    )
    return list(page), page.last_evaluated_key


FILTERS = ("module", "status", "brand", "author_id", "assignee_id")
"""The attributes a list filters on; each takes several values."""

Filters = Mapping[str, Sequence[str]]


def _matching(filters: Filters | None) -> Condition | None:
    """The server-side filter of a list: every named attribute among its values (``FILTERS`` only)."""
    condition: Condition | None = None
    for name in FILTERS:
        values = (filters or {}).get(name)
        if not values:
            continue
        clause = getattr(Intervention, name).is_in(*values)
        condition = clause if condition is None else condition & clause
    return condition


def listing_before(
    dealership_id: str, *, show_closed: bool, before: str | None, limit: int, filters: Filters | None = None
) -> list[Intervention]:
    """Up to ``limit`` files older than the id ``before`` (ULIDs sort by time), among ``filters``:
    the page of one dealership in a list that merges several."""
    index, partition = (
        (Intervention.gsi2, f"DLR#{dealership_id}#INT")
        if show_closed
        else (Intervention.gsi1, f"DLR#{dealership_id}#OPEN")
    )
    key = (Intervention.GSI2SK if show_closed else Intervention.GSI1SK) < before if before else None
    condition = _matching(filters)
    found: list[Intervention] = []
    for item in index.query(partition, key, scan_index_forward=False, filter_condition=condition, page_size=limit):
        if isinstance(item, Intervention):
            found.append(item)
        if len(found) >= limit:
            break
    return found


def listing(
    dealership_id: str,
    *,
    show_closed: bool,
    limit: int,
    cursor: dict[str, Any] | None,
    filters: Filters | None = None,
) -> tuple[list[Intervention], Any]:
    """Newest first: the open ones (GSI1) or all (GSI2), filtered server-side by ``filters``
    (attribute -> the values it may have, ``FILTERS`` only)."""
    index, partition = (
        (Intervention.gsi2, f"DLR#{dealership_id}#INT")
        if show_closed
        else (Intervention.gsi1, f"DLR#{dealership_id}#OPEN")
    )
    name = "GSI2" if show_closed else "GSI1"
    start = start_key(
        cursor,
        equal={f"{name}PK": partition, "PK": dealership_pk(dealership_id)},
        prefix={f"{name}SK": "", "SK": "INT#"},
    )
    page = index.query(
        partition,
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=start,
        filter_condition=_matching(filters),
    )
    return [item for item in page if isinstance(item, Intervention)], page.last_evaluated_key


def search_ids(dealership_id: str, term: str, limit: int) -> list[str]:
    """Ids of the interventions with a keyword starting with ``term``, newest first."""
    found: set[str] = set()
    pk = f"DLR#{dealership_id}#KW#{term[:2]}"
    for hit in Keyword.query(pk, Keyword.SK.startswith(term), limit=limit * 4, page_size=200):
        found.add(hit.intervention_id)
    return sorted(found, reverse=True)[:limit]


def get_many(dealership_id: str, ids: list[str]) -> list[Intervention]:
    """BatchGet, returned in the order of ``ids``."""
    keys = [(dealership_pk(dealership_id), f"INT#{i}") for i in ids]
    by_id = {item.intervention_id: item for item in Intervention.batch_get(keys)}
    return [by_id[i] for i in ids if i in by_id]


def answers_of(item: Intervention) -> dict[str, bool] | None:
    """The file's answers (work id → approved), once answered; none before."""
    if not item.answers:
        return None
    loaded: dict[str, bool] = json.loads(item.answers)
    return loaded
