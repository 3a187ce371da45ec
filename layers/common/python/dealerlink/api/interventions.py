"""Interventions (F-3.1-F-3.5, F-3.13, F-2.5): create from the back office or a paired phone,
read, edit while waiting to send, close, delete once closed, history, lists."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from chalice import Blueprint, Response
from pynamodb.expressions.condition import Condition

from dealerlink.api.edge import Access, json_response, per_request, read_json, route
from dealerlink.api.media import media_json
from dealerlink.api.paging import encode_cursor, page, page_limit, page_request, read_cursor
from dealerlink.domain import search
from dealerlink.domain.checklists import manufacturer_checklists
from dealerlink.domain.dealerships import DealershipSettings
from dealerlink.domain.identity import READERS, Principal, Role
from dealerlink.domain.interventions import (
    Contact,
    InterventionFields,
    Status,
    check_contact_can_be_saved,
    check_module,
    check_reply_by,
    fingerprint,
    readiness,
)
from dealerlink.domain.validation import parse
from dealerlink.domain.worklist import Work, accepted_gross, check_unique_ids, fill_ids, money, parse_works, totals
from dealerlink.errors import ForbiddenError, InvalidCursorError, NotFoundError, ValidationError
from dealerlink.ids import check_client_id, is_id, new_id
from dealerlink.store import checklists, customers, media
from dealerlink.store import interventions as store
from dealerlink.store.dealerships import get_dealership
from dealerlink.store.table import json_text
from dealerlink.store.transactions import TransactionFailedError
from dealerlink.store.users import get_member

bp = Blueprint(__name__)
BASE = "/v1/dealerships/{dealership_id}/interventions"
ONE = BASE + "/{intervention_id}"
WRITERS = (Role.BACK_OFFICE, Role.SALESPERSON)
FILTERS = ("module", "status", "brand", "author_id", "assignee_id")


def _settings(dealership_id: str) -> DealershipSettings:
    return per_request(f"settings#{dealership_id}", lambda: get_dealership(dealership_id).settings)


def _check_mode_right(principal: Principal, mode: str) -> None:
    """F-1.2: salespeople work in sales mode only; phones of the audit app create nothing."""
    if principal.kind == "device":
        if principal.app != "app":
            raise ForbiddenError("the audit app cannot create interventions", code="app_not_allowed")
        return
    if Role.GROUP_MANAGER in principal.roles or Role.BACK_OFFICE in principal.roles:
        return
    if mode != "sales":
        raise ForbiddenError("salespeople create sales-mode interventions only", field="mode", code="mode_not_allowed")


def _validated(body: dict[str, Any], dealership_id: str) -> tuple[InterventionFields, str, list[dict[str, Any]]]:
    check_module(body)
    fields = parse(InterventionFields, {k: v for k, v in body.items() if k not in ("client_id", "version")})
    settings = _settings(dealership_id)
    brand = fields.brand or settings.main_brand
    if brand not in [b.code for b in settings.brands]:
        raise ValidationError(f"brand {brand!r} is not one of the dealership's brands", field="brand")
    if fields.mode not in settings.modes:
        raise ValidationError(f"this dealership does not use {fields.mode} mode", field="mode")
    check_contact_can_be_saved(fields.contact)
    if fields.assignee_id:
        _check_assignee(dealership_id, fields.assignee_id)
    if fields.message_id:
        _check_message(dealership_id, fields.message_id, fields.module)
    fields = _work_report_parts(fields, settings)
    parsed = parse_works(fields.works)
    check_unique_ids([w.id or None for w in parsed])
    _check_checklist_items(dealership_id, settings.after_sales.default_checklists.get(brand), parsed)
    ids = fill_ids([w.id or None for w in parsed], "w")
    works = [{**w.model_dump(mode="json"), "id": work_id} for w, work_id in zip(parsed, ids, strict=True)]
    return fields, brand, works


def _work_report_parts(fields: InterventionFields, settings: DealershipSettings) -> InterventionFields:
    """F-6.1: performed works and works to plan (each with a deadline not past) for work reports only."""
    from dealerlink.domain.work_reports import parse_performed_works, parse_planned_works

    if fields.module != "work_report":
        for name in ("performed_works", "works_to_plan"):
            if getattr(fields, name):
                raise ValidationError(f"only work reports have {name.replace('_', ' ')}", field=name)
        return fields
    if not settings.after_sales.work_reports_enabled:
        raise ValidationError("work reports are not enabled for this dealership", field="module", code="not_enabled")
    today = datetime.now(ZoneInfo(settings.timezone)).date()
    performed = [w.model_dump(mode="json") for w in parse_performed_works(fields.performed_works)]
    planned = [w.model_dump(mode="json") for w in parse_planned_works(fields.works_to_plan, today)]
    return fields.model_copy(update={"performed_works": performed, "works_to_plan": planned})


def _check_message(dealership_id: str, message_id: str, module: str) -> None:
    """A predefined message of this dealership, for the file's module or for every module."""
    from dealerlink.store.templates import find_message

    found = find_message(dealership_id, message_id)
    if found is None or found.message.module not in (None, module):
        raise ValidationError("not a predefined message of this dealership and module", field="message_id")


def _check_assignee(dealership_id: str, user_id: str) -> None:
    """The assignee is a user of this dealership; anyone else's id is refused alike."""
    try:
        get_member(dealership_id, user_id)
    except NotFoundError:
        raise ValidationError("the assignee is not a user of this dealership", field="assignee_id") from None


def _check_checklist_items(dealership_id: str, checklist_id: str | None, works: list[Work]) -> None:
    """Works ticked from a checklist must name an item of the brand's checklist."""
    ticked = [(i, w.checklist_item_id) for i, w in enumerate(works) if w.checklist_item_id]
    if not ticked:
        return
    known: set[str] = set()
    if checklist_id:
        known = checklists.find(dealership_id, checklist_id)[0].item_ids()
    else:
        known = {i for c in manufacturer_checklists().values() for i in c.item_ids()}
    for index, item_id in ticked:
        if item_id not in known:
            raise ValidationError(
                f"unknown checklist item {item_id!r}",
                field=f"works.{index}.checklist_item_id",
                code="unknown_checklist_item",
            )


def to_json(item: store.Intervention) -> dict[str, Any]:
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


def _new_item(
    dealership_id: str,
    principal: Principal,
    fields: InterventionFields,
    brand: str,
    works: list[dict[str, Any]],
    client_id: str | None,
    body: dict[str, Any] | None = None,
) -> store.Intervention:
    """The file to create; one made offline keeps its create's fingerprint to tell replays apart."""
    doc = fields.model_dump(mode="json", exclude={"brand", "mode", "module", "reference", "assignee_id", "works"})
    return store.Intervention(
        intervention_id=client_id.upper() if client_id else new_id(),
        dealership_id=dealership_id,
        mode=fields.mode,
        module=fields.module,
        brand=brand,
        reference=fields.reference,
        author_id=principal.subject,
        author_kind="device" if principal.kind == "device" else "user",
        assignee_id=fields.assignee_id,
        client_id=client_id,
        body_hash=fingerprint(body) if client_id and body is not None else None,
        doc=json_text({**doc, "works": works}),
    )


def _create(dealership_id: str, principal: Principal, body: dict[str, Any]) -> Response:
    client_id = check_client_id(body.get("client_id"))
    fields, brand, works = _validated(body, dealership_id)
    check_reply_by(fields.reply_by, datetime.now(UTC))
    _check_mode_right(principal, fields.mode)
    item = _new_item(dealership_id, principal, fields, brand, works, client_id, body)
    try:
        created = _create_with_customer(item, principal.subject)
    except store.AlreadyCreatedError as retried:
        return json_response(to_json(retried.intervention), 200)
    return json_response(to_json(created), 201)


def _create_with_customer(
    item: store.Intervention, actor: str, action: str = "created", details: dict[str, Any] | None = None
) -> store.Intervention:
    """Link the file to the dealership's customer with this email or phone, or create one.

    If two files name the same new customer at once, one transaction fails on the look-up;
    the retry then finds the customer the other one created.
    """
    item.customer_id, new_items = _customer_for(item)
    try:
        return store.create(item, actor, action, details, new_items)
    except TransactionFailedError:
        if not new_items:
            raise
    # Another file created the same new customer meanwhile: the look-up now finds it.
    item.customer_id, new_items = _customer_for(item)
    return store.create(item, actor, action, details, new_items)


def _customer_for(item: store.Intervention) -> tuple[str | None, list[Any]]:
    """The dealership's customer with the contact's email or phone, or a new one and its items."""
    contact = item.fields.get("contact") or {}
    if not (contact.get("email") or contact.get("phone")):
        return None, []
    found = customers.match(item.dealership_id, contact)
    if found is not None:
        return found, []
    return customers.new_customer(item.dealership_id, contact)


@route(bp, BASE, "POST", access=Access.STAFF, roles=WRITERS, status=201, tags=("interventions",))
def create_intervention(dealership_id: str, principal: Principal) -> Response:
    """Create an intervention (201); a retry with the same client_id returns it (200)."""
    return _create(dealership_id, principal, read_json(bp.current_request))


@route(bp, "/v1/device/interventions", "POST", access=Access.DEVICE, status=201, tags=("device",))
def create_from_phone(principal: Principal) -> Response:
    """Create an intervention from a paired phone (offline-safe with client_id)."""
    return _create(principal.dealership_id, principal, read_json(bp.current_request))


@route(bp, ONE, "GET", access=Access.STAFF, roles=READERS, tags=("interventions",))
def read_intervention(dealership_id: str, intervention_id: str) -> dict[str, Any]:
    """One intervention with its worklist totals, its media and whether it can be sent."""
    item = to_json(store.get(dealership_id, intervention_id))
    return item | {"media": [media_json(m) for m in media.of_intervention(dealership_id, intervention_id)]}


@route(bp, ONE, "PATCH", access=Access.STAFF, roles=WRITERS, tags=("interventions",))
def edit_intervention(dealership_id: str, intervention_id: str, principal: Principal) -> dict[str, Any]:
    """Edit while waiting_to_send; ``version`` (the one read) is required (409 when stale)."""
    body = read_json(bp.current_request)
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValidationError("version (the one you read) is required", field="version")
    item = store.get(dealership_id, intervention_id)
    merged = {**_current_body(item), **{k: v for k, v in body.items() if k != "version"}}
    fields, brand, works = _validated(merged, dealership_id)
    if "reply_by" in body:  # a deadline that passed while the file waited is refused at send
        check_reply_by(fields.reply_by, datetime.now(UTC))
    _check_mode_right(principal, fields.mode)
    doc = fields.model_dump(mode="json", exclude={"brand", "mode", "module", "reference", "assignee_id", "works"})
    changes = {
        "mode": fields.mode,
        "module": fields.module,
        "brand": brand,
        "reference": fields.reference,
        "assignee_id": fields.assignee_id,
        "doc": json_text({**doc, "works": works}),
    }
    return to_json(store.edit(item, changes, expected_version=version, actor=principal.subject))


@route(bp, ONE + "/close", "POST", access=Access.STAFF, roles=WRITERS, tags=("interventions",))
def close_intervention(dealership_id: str, intervention_id: str, principal: Principal) -> dict[str, Any]:
    """Close: hidden from lists unless show_closed, kept in history."""
    return to_json(store.close(store.get(dealership_id, intervention_id), actor=principal.subject))


@route(bp, ONE, "DELETE", access=Access.STAFF, roles=WRITERS, tags=("interventions",))
def delete_intervention(dealership_id: str, intervention_id: str) -> dict[str, Any]:
    """Delete a closed intervention, finally."""
    store.delete(store.get(dealership_id, intervention_id))
    return {"id": intervention_id, "deleted": True}


@route(bp, ONE + "/history", "GET", access=Access.STAFF, roles=READERS, tags=("interventions",))
def intervention_history(dealership_id: str, intervention_id: str) -> dict[str, Any]:
    """Every change with who and when, newest first (F-3.3)."""
    store.get(dealership_id, intervention_id)
    limit, cursor = page_request(bp.current_request)
    events, last = store.history(dealership_id, intervention_id, limit, cursor)
    return page(
        [
            {"at": e.at, "actor": e.actor, "action": e.action, "details": json.loads(e.details) if e.details else None}
            for e in events
        ],
        last,
    )


def _filters(query: Any) -> Condition | None:
    condition: Condition | None = None
    for name in FILTERS:
        raw = query.getlist(name) if query and name in query else []
        values = [part for value in raw for part in value.split(",") if part]
        if not values:
            continue
        if name == "status" and any(v not in {s.value for s in Status} for v in values):
            raise ValidationError(f"status must be among {[s.value for s in Status]}", field="status")
        if any(len(v) > 64 for v in values):
            raise ValidationError(f"{name} values are at most 64 characters", field=name)
        clause = getattr(store.Intervention, name).is_in(*values)
        condition = clause if condition is None else condition & clause
    return condition


@route(bp, BASE, "GET", access=Access.STAFF, roles=READERS, tags=("interventions",))
def interventions(dealership_id: str) -> dict[str, Any]:
    """Newest first; ``q`` searches keywords; filters take several values (``?status=sent,read``)."""
    request = bp.current_request
    query: Any = request.query_params
    show_closed = (query or {}).get("show_closed", "false") == "true"
    limit, cursor = page_request(request)
    condition = _filters(query)
    text = (query or {}).get("q")
    if text is not None:
        return _search(dealership_id, text, query, show_closed, limit)
    items, last = store.listing(dealership_id, show_closed=show_closed, limit=limit, cursor=cursor, condition=condition)
    return page([_summary(i) for i in items], last)


def _search(dealership_id: str, text: str, query: Any, show_closed: bool, limit: int) -> dict[str, Any]:
    """Keyword search (reference, plate, VIN, names, email, phone), then the same filters."""
    term = search.query_term(text)
    if term is None:
        raise ValidationError(f"search for at least {search.MIN_QUERY} letters or digits", field="q")
    items = store.get_many(dealership_id, store.search_ids(dealership_id, term, limit))
    wanted = {name: {p for v in query.getlist(name) for p in v.split(",") if p} for name in FILTERS if name in query}
    matches = [
        i
        for i in items
        if (show_closed or i.status != Status.CLOSED)
        and all(getattr(i, name) in values for name, values in wanted.items())
    ]
    return page([_summary(i) for i in matches], None)


def _summary(item: store.Intervention) -> dict[str, Any]:
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


def _current_body(item: store.Intervention) -> dict[str, Any]:
    """The file as a client would send it: its stored contact keeps only the fields it holds
    (a field left out is stored as null, which a client may not send)."""
    body = {"mode": item.mode, "module": item.module, "brand": item.brand, "reference": item.reference}
    fields = item.fields
    if isinstance(fields.get("contact"), dict):
        fields["contact"] = {k: v for k, v in fields["contact"].items() if v is not None}
    return body | {"assignee_id": item.assignee_id, **fields}


@route(bp, ONE + "/duplicate", "POST", access=Access.STAFF, roles=WRITERS, status=201, tags=("interventions",))
def duplicate_intervention(dealership_id: str, intervention_id: str, principal: Principal) -> Response:
    """A new file from this one (F-3.9): a new reference; brand, mode and module may change."""
    body = read_json(bp.current_request)
    if not isinstance(body.get("reference"), str) or not body["reference"].strip():
        raise ValidationError("a new reference is required", field="reference")
    source = store.get(dealership_id, intervention_id)
    changes = {k: body[k] for k in ("reference", "brand", "mode", "module") if k in body}
    fields, brand, works = _validated(_current_body(source) | changes, dealership_id)
    if fields.reference == source.reference:
        raise ValidationError("the duplicate needs a reference of its own", field="reference")
    _check_mode_right(principal, fields.mode)
    item = _new_item(dealership_id, principal, fields, brand, works, None)
    created = _create_with_customer(item, principal.subject, "duplicated", {"from": source.intervention_id})
    return json_response(to_json(created), 201)


ORIGINS = ("phone", "in_person", "email", "other")
NOTIFY = ("email", "sms", "both", "none")


@route(bp, ONE + "/manual-accept", "POST", access=Access.STAFF, roles=WRITERS, tags=("interventions",))
def manual_accept(dealership_id: str, intervention_id: str, principal: Principal) -> dict[str, Any]:
    """Record an approval given by phone or in person (F-3.10): the file becomes answered."""
    from dealerlink.services import messages

    body = read_json(bp.current_request)
    accepted = body.get("accepted_work_ids")
    if not isinstance(accepted, list) or not all(isinstance(w, str) for w in accepted):
        raise ValidationError("accepted_work_ids must be a list of work ids", field="accepted_work_ids")
    origin, notify = body.get("origin"), body.get("notify", "none")
    if origin not in ORIGINS:
        raise ValidationError(f"origin must be one of {', '.join(ORIGINS)}", field="origin")
    if notify not in NOTIFY:
        raise ValidationError(f"notify must be one of {', '.join(NOTIFY)}", field="notify")
    item = store.get(dealership_id, intervention_id)
    works = parse_works(item.fields.get("works", []))
    ids: set[str] = {str(w.id) for w in works if w.urgency in ("recommended", "urgent")}
    for index, work_id in enumerate(accepted):
        if work_id not in ids:
            raise ValidationError(
                f"{work_id!r} is not a proposed work of this intervention", field=f"accepted_work_ids.{index}"
            )
    settings = _settings(dealership_id)
    amount = accepted_gross(works, Decimal(settings.vat_rate), set(accepted))
    answers = {work_id: work_id in accepted for work_id in sorted(ids)}
    confirmation = messages.accepted(item, settings, notify, amount, len(accepted))
    answered = store.record_answers(item, answers, str(amount), origin, principal.subject, messages=list(confirmation))
    return to_json(answered)


@route(bp, "/v1/interventions", "GET", access=Access.STAFF, roles=READERS, tags=("interventions",))
def interventions_of_my_dealerships(principal: Principal) -> dict[str, Any]:
    """Several dealerships in one list, newest first (group managers' dealership filter)."""
    query: Any = bp.current_request.query_params or {}
    wanted = [
        d for v in (query.getlist("dealership_id") if "dealership_id" in query else []) for d in v.split(",") if d
    ]
    dealerships = sorted(set(wanted)) or sorted(principal.dealership_ids)
    for index, dealership_id in enumerate(dealerships):
        if dealership_id not in principal.dealership_ids:
            raise NotFoundError("no such dealership", field=f"dealership_id.{index}")
    limit, before = page_limit(bp.current_request), _merged_before(bp.current_request, dealerships)
    show_closed, condition = query.get("show_closed", "false") == "true", _filters(query)
    merged = sorted(
        (
            item
            for dealership_id in dealerships
            for item in store.listing_before(
                dealership_id, show_closed=show_closed, before=before, limit=limit, condition=condition
            )
        ),
        key=lambda item: item.intervention_id,
        reverse=True,
    )[:limit]
    cursor = _merged_cursor(merged[-1].intervention_id, dealerships) if len(merged) == limit else None
    return {"items": [{**_summary(i), "dealership_id": i.dealership_id} for i in merged], "next_cursor": cursor}


def _merged_cursor(before: str, dealerships: list[str]) -> str:
    """Files older than ``before``, of this set of dealerships (another set's list is another list)."""
    return encode_cursor({"before": before, "of": fingerprint(dealerships)[:16]})


def _merged_before(request: Any, dealerships: list[str]) -> str | None:
    cursor = read_cursor(request)
    if cursor is None:
        return None
    before = cursor.get("before")
    if set(cursor) != {"before", "of"} or not isinstance(before, str) or not is_id(before):
        raise InvalidCursorError()
    if cursor["of"] != fingerprint(dealerships)[:16]:  # the list of another set of dealerships
        raise InvalidCursorError()
    return before


def _deadlines(raw: object, field: str, parse_value: Any) -> dict[tuple[str, str], Any]:
    """``{intervention id: {work id: value}}`` into ``{(intervention id, work id): value}``."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise ValidationError(f"{field} maps intervention ids to {{work id: value}}", field=field)
    found: dict[tuple[str, str], Any] = {}
    for intervention_id, works in raw.items():
        for work_id, value in works.items():
            path = f"{field}.{intervention_id}.{work_id}"
            try:
                found[(str(intervention_id), str(work_id))] = parse_value(value)
            except (TypeError, ValueError):
                raise ValidationError(f"{path} is not valid", field=path) from None
    return found


@route(bp, ONE + "/import", "POST", access=Access.STAFF, roles=WRITERS, tags=("interventions",))
def import_into_work_report(dealership_id: str, intervention_id: str, principal: Principal) -> dict[str, Any]:
    """F-6.1: bring answered interventions into a work report: accepted works become performed
    works (paid ones at 0), declined ones works to plan with their ``deadlines`` (and ``mileages``)."""
    from datetime import date

    from dealerlink.domain.work_reports import (
        AnsweredIntervention,
        PerformedWork,
        PlannedWork,
        by_urgency_then_deadline,
        performed_from_answered,
        to_plan_from_declined,
    )

    body = read_json(bp.current_request)
    ids = body.get("intervention_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids) or len(ids) > 20:
        raise ValidationError("intervention_ids lists 1 to 20 answered interventions", field="intervention_ids")
    report = store.get(dealership_id, intervention_id)
    if report.module != "work_report":
        raise ValidationError(
            "only work reports import interventions", field="intervention_id", code="not_a_work_report"
        )
    version = body.get("version")
    if version != report.version:
        raise ValidationError("version is the number the report was read with", field="version", code="stale_version")
    sources = []
    for index, source_id in enumerate(ids):
        try:
            source = store.get(dealership_id, source_id)
        except NotFoundError:
            raise ValidationError("no such intervention", field=f"intervention_ids.{index}") from None
        if source.status != Status.ANSWERED or not source.answers:
            raise ValidationError(
                "only answered interventions are imported", field=f"intervention_ids.{index}", code="not_answered"
            )
        works = parse_works(source.fields.get("works", []))
        sources.append(AnsweredIntervention(source.intervention_id, works, json.loads(source.answers)))
    settings = _settings(dealership_id)
    today = datetime.now(ZoneInfo(settings.timezone)).date()
    deadlines = _deadlines(body.get("deadlines"), "deadlines", date.fromisoformat)
    mileages = _deadlines(body.get("mileages"), "mileages", int)
    existing = [PerformedWork.model_validate(w) for w in report.fields.get("performed_works") or []]
    performed = performed_from_answered(sources, existing)
    planned_before = [PlannedWork.model_validate(w) for w in report.fields.get("works_to_plan") or []]
    known = {(w.source_intervention_id, w.source_work_id) for w in planned_before}
    planned = [
        w
        for w in to_plan_from_declined(sources, deadlines, mileages, today)
        if (w.source_intervention_id, w.source_work_id) not in known
    ]
    ids = fill_ids([w.id for w in existing] + [None] * len(performed), "w")[len(existing) :]  # none taken twice
    numbered = [{**w.model_dump(mode="json"), "id": work_id} for w, work_id in zip(performed, ids, strict=True)]
    fields = {
        **report.fields,
        "performed_works": [w.model_dump(mode="json") for w in existing] + numbered,
        "works_to_plan": [w.model_dump(mode="json") for w in by_urgency_then_deadline([*planned_before, *planned])],
    }
    changes = {"doc": json_text(fields)}
    return to_json(store.edit(report, changes, expected_version=int(report.version), actor=principal.subject))
