"""Interventions (F-3.1-F-3.5, F-3.13, F-2.5): create from the back office or a paired phone,
read, edit while waiting to send, close, delete once closed, history, lists.

Each view takes what the edge checked (``api.contract.interventions``), asks the service
(``services.interventions``) or the store, and answers the file as :func:`to_json` shows it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from chalice import Response

from dealerlink.api import rights
from dealerlink.api.contract.common import ListQuery, Page
from dealerlink.api.contract.interventions import (
    ACCEPT_EXAMPLES,
    CREATE_EXAMPLES,
    DUPLICATE_EXAMPLES,
    EDIT_EXAMPLES,
    IMPORT_EXAMPLES,
    DealershipFileOut,
    Duplication,
    HistoryEventOut,
    InterventionChanges,
    InterventionDeletedOut,
    InterventionListQuery,
    InterventionOut,
    InterventionSummaryOut,
    InterventionWithMediaOut,
    ManualAcceptance,
    MergedListQuery,
    NewIntervention,
    WorkReportImport,
)
from dealerlink.api.edge import Access, Blueprint, json_response, per_request, read_json, route
from dealerlink.api.media import media_json
from dealerlink.api.paging import decode_cursor, encode_cursor, page
from dealerlink.domain.dealerships import DealershipSettings
from dealerlink.domain.identity import Principal
from dealerlink.domain.interventions import Contact, fingerprint, readiness
from dealerlink.domain.worklist import money, parse_works, totals
from dealerlink.errors import InvalidCursorError
from dealerlink.ids import is_id
from dealerlink.services import interventions as service
from dealerlink.store import interventions as store
from dealerlink.store import media
from dealerlink.store.dealerships import get_dealership

bp = Blueprint(__name__)
BASE = "/v1/dealerships/{dealership_id}/interventions"
ONE = BASE + "/{intervention_id}"
TAGS = ("interventions",)


def _settings(dealership_id: str) -> DealershipSettings:
    return per_request(f"settings#{dealership_id}", lambda: get_dealership(dealership_id).settings)


def to_json(item: store.Intervention) -> dict[str, Any]:
    """A file as :class:`InterventionOut` describes it, totals in the dealership's currency."""
    doc = item.fields
    settings = _settings(item.dealership_id)
    works = parse_works(doc.get("works", []))
    contact = Contact.model_validate(doc["contact"]) if doc.get("contact") else None
    return {
        "id": item.intervention_id,
        "dealership_id": item.dealership_id,
        "status": item.status,
        "version": item.version,
        "mode": item.mode,
        "module": item.module,
        "brand": item.brand,
        "reference": item.reference,
        "author": {"id": item.author_id, "kind": item.author_kind},
        "assignee_id": item.assignee_id,
        "client_id": item.client_id,
        "customer_id": item.customer_id,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        **{
            k: doc.get(k)
            for k in ("vehicle", "contact", "message", "message_id", "internal_message", "reply_by", "customer_waiting")
        },
        **({k: doc.get(k, []) for k in ("performed_works", "works_to_plan")} if item.module == "work_report" else {}),
        "works": doc.get("works", []),
        "totals": totals(works, Decimal(settings.vat_rate), settings.currency).to_json(),
        "readiness": readiness(item.module, contact),
        "answers": json.loads(item.answers) if item.answers else None,
        "accepted_amount": money(Decimal(item.accepted_amount), settings.currency) if item.accepted_amount else None,
        "answered_at": item.answered_at,
        "answer_origin": item.answer_origin,
    }


def _summary(item: store.Intervention) -> dict[str, Any]:
    """A file as lists show it (:class:`InterventionSummaryOut`): enough to pick it, nothing more."""
    doc = item.fields
    contact = doc.get("contact") or {}
    return {
        "id": item.intervention_id,
        "status": item.status,
        "mode": item.mode,
        "module": item.module,
        "brand": item.brand,
        "reference": item.reference,
        "plate": (doc.get("vehicle") or {}).get("plate"),
        "customer": " ".join(p for p in (contact.get("first_name"), contact.get("last_name")) if p) or None,
        "author_id": item.author_id,
        "assignee_id": item.assignee_id,
        "created_at": item.created_at,
    }


def _create(dealership_id: str, principal: Principal, body: NewIntervention) -> dict[str, Any] | Response:
    """201 with the new file; 200 with the file a replay of this create made."""
    fields = body.model_dump(mode="json", exclude_unset=True, exclude={"client_id"})
    # A replay is told by the fingerprint of the body as sent (files made offline keep it).
    sent = read_json(bp.current_request)
    item, created = service.create(
        dealership_id, principal, _settings(dealership_id), fields, client_id=body.client_id, sent=sent
    )
    if created:
        return to_json(item)
    return json_response(InterventionOut.model_validate(to_json(item)).model_dump(mode="json"), 200)


@route(
    bp, BASE, "POST", access=Access.STAFF, roles=rights.FILES, status=201, tags=TAGS,
    body=NewIntervention, response=InterventionOut, examples=CREATE_EXAMPLES, replayable=True,
)  # fmt: skip
def create_intervention(dealership_id: str, principal: Principal, body: NewIntervention) -> dict[str, Any] | Response:
    """Create an intervention (201); a retry with the same client_id returns it (200)."""
    return _create(dealership_id, principal, body)


@route(
    bp, "/v1/device/interventions", "POST", access=Access.DEVICE, status=201, tags=("device",),
    body=NewIntervention, response=InterventionOut, examples=CREATE_EXAMPLES, replayable=True,
)  # fmt: skip
def create_from_phone(principal: Principal, body: NewIntervention) -> dict[str, Any] | Response:
    """Create an intervention from a paired phone (offline-safe with client_id)."""
    return _create(principal.dealership_id, principal, body)


@route(bp, ONE, "GET", access=Access.STAFF, roles=rights.READ, tags=TAGS, response=InterventionWithMediaOut)
def read_intervention(dealership_id: str, intervention_id: str) -> dict[str, Any]:
    """One intervention with its worklist totals, its media and whether it can be sent."""
    item = to_json(store.get(dealership_id, intervention_id))
    return item | {"media": [media_json(m) for m in media.of_intervention(dealership_id, intervention_id)]}


@route(
    bp, ONE, "PATCH", access=Access.STAFF, roles=rights.FILES, tags=TAGS,
    body=InterventionChanges, response=InterventionOut, examples=EDIT_EXAMPLES,
)  # fmt: skip
def edit_intervention(
    dealership_id: str, intervention_id: str, principal: Principal, body: InterventionChanges
) -> dict[str, Any]:
    """Edit while waiting_to_send; ``version`` (the one read) is required (409 when stale)."""
    changes = body.model_dump(mode="json", exclude_unset=True, exclude={"version"})
    settings = _settings(dealership_id)
    return to_json(service.edit(dealership_id, intervention_id, principal, settings, changes, body.version))


@route(bp, ONE + "/close", "POST", access=Access.STAFF, roles=rights.FILES, tags=TAGS, response=InterventionOut)
def close_intervention(dealership_id: str, intervention_id: str, principal: Principal) -> dict[str, Any]:
    """Close: hidden from lists unless show_closed, kept in history."""
    return to_json(store.close(store.get(dealership_id, intervention_id), actor=principal.subject))


@route(bp, ONE, "DELETE", access=Access.STAFF, roles=rights.FILES, tags=TAGS, response=InterventionDeletedOut)
def delete_intervention(dealership_id: str, intervention_id: str) -> dict[str, Any]:
    """Delete a closed intervention, finally."""
    store.delete(store.get(dealership_id, intervention_id))
    return {"id": intervention_id, "deleted": True}


@route(
    bp, ONE + "/history", "GET", access=Access.STAFF, roles=rights.READ, tags=TAGS,
    query=ListQuery, response=Page[HistoryEventOut],
)  # fmt: skip
def intervention_history(dealership_id: str, intervention_id: str, query: ListQuery) -> dict[str, Any]:
    """Every change with who and when, newest first (F-3.3)."""
    store.get(dealership_id, intervention_id)
    events, last = store.history(dealership_id, intervention_id, query.limit, decode_cursor(query.cursor))
    details = [json.loads(e.details) if e.details else None for e in events]
    return page(
        [
            {"at": e.at, "actor": e.actor, "action": e.action, "details": d}
            for e, d in zip(events, details, strict=True)
        ],
        last,
    )


@route(
    bp, BASE, "GET", access=Access.STAFF, roles=rights.READ, tags=TAGS,
    query=InterventionListQuery, response=Page[InterventionSummaryOut],
)  # fmt: skip
def interventions(dealership_id: str, query: InterventionListQuery) -> dict[str, Any]:
    """Newest first; ``q`` searches keywords (one page); filters take several values (``?status=sent,read``)."""
    cursor = decode_cursor(query.cursor)
    if query.q is not None:
        found = service.search_files(
            dealership_id, query.q, query.filters, show_closed=query.show_closed, limit=query.limit
        )
        return page([_summary(i) for i in found], None)
    items, last = service.listing(
        dealership_id, query.filters, show_closed=query.show_closed, limit=query.limit, cursor=cursor
    )
    return page([_summary(i) for i in items], last)


@route(
    bp, ONE + "/duplicate", "POST", access=Access.STAFF, roles=rights.FILES, status=201, tags=TAGS,
    body=Duplication, response=InterventionOut, examples=DUPLICATE_EXAMPLES,
)  # fmt: skip
def duplicate_intervention(
    dealership_id: str, intervention_id: str, principal: Principal, body: Duplication
) -> dict[str, Any]:
    """A new file from this one (F-3.9): a new reference; brand, mode and module may change."""
    changes = body.model_dump(mode="json", exclude_unset=True)
    settings = _settings(dealership_id)
    return to_json(service.duplicate(dealership_id, intervention_id, principal, settings, changes))


@route(
    bp, ONE + "/manual-accept", "POST", access=Access.STAFF, roles=rights.FILES, tags=TAGS,
    body=ManualAcceptance, response=InterventionOut, examples=ACCEPT_EXAMPLES,
)  # fmt: skip
def manual_accept(
    dealership_id: str, intervention_id: str, principal: Principal, body: ManualAcceptance
) -> dict[str, Any]:
    """Record an approval given by phone or in person (F-3.10): the file becomes answered."""
    answered = service.manual_accept(
        dealership_id, intervention_id, principal, _settings(dealership_id),
        body.accepted_work_ids, body.origin, body.notify,
    )  # fmt: skip
    return to_json(answered)


@route(
    bp, "/v1/interventions", "GET", access=Access.STAFF, roles=rights.READ, tags=TAGS,
    query=MergedListQuery, response=Page[DealershipFileOut],
)  # fmt: skip
def interventions_of_my_dealerships(principal: Principal, query: MergedListQuery) -> dict[str, Any]:
    """Several dealerships in one list, newest first (group managers' dealership filter)."""
    dealerships = service.dealerships_of(principal, query.dealership_ids)
    before = _merged_before(query.cursor, dealerships)
    merged = service.merged_listing(
        dealerships, query.filters, show_closed=query.show_closed, before=before, limit=query.limit
    )
    cursor = _merged_cursor(merged[-1].intervention_id, dealerships) if len(merged) == query.limit else None
    return {"items": [{**_summary(i), "dealership_id": i.dealership_id} for i in merged], "next_cursor": cursor}


def _merged_cursor(before: str, dealerships: list[str]) -> str:
    """Files older than ``before``, of this set of dealerships (another set's list is another list)."""
    return encode_cursor({"before": before, "of": fingerprint(dealerships)[:16]})


def _merged_before(text: str | None, dealerships: list[str]) -> str | None:
    """The id the merged list's ``cursor`` starts before; a cursor of any other list is a 400."""
    cursor = decode_cursor(text)
    if cursor is None:
        return None
    before = cursor.get("before")
    if set(cursor) != {"before", "of"} or not isinstance(before, str) or not is_id(before):
        raise InvalidCursorError()
    if cursor["of"] != fingerprint(dealerships)[:16]:  # the list of another set of dealerships
        raise InvalidCursorError()
    return before


@route(
    bp, ONE + "/import", "POST", access=Access.STAFF, roles=rights.FILES, tags=TAGS,
    body=WorkReportImport, response=InterventionOut, examples=IMPORT_EXAMPLES,
)  # fmt: skip
def import_into_work_report(
    dealership_id: str, intervention_id: str, principal: Principal, body: WorkReportImport
) -> dict[str, Any]:
    """F-6.1: bring answered interventions into a work report: accepted works become performed
    works (paid ones at 0), declined ones works to plan with their ``deadlines`` (and ``mileages``)."""
    report = service.import_into_work_report(
        dealership_id, intervention_id, principal, _settings(dealership_id),
        body.intervention_ids, body.version, body.deadlines, body.mileages,
    )  # fmt: skip
    return to_json(report)
