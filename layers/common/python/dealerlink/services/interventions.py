"""Interventions' use cases (F-3.1-F-3.5, F-3.9, F-3.10, F-3.13, F-6.1): what the routes do
once the edge has checked a body's shape.

A file is validated whole against its dealership (brands, modes, users, checklists, predefined
messages, work reports enabled, its today for deadlines) on every create, edit and duplicate,
from the plain JSON a client would send (``fields``); an edit is the current file with the
changes sent laid over it, so what was valid stays valid only if the rules still say so.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from dealerlink.domain import search
from dealerlink.domain.checklists import manufacturer_checklists
from dealerlink.domain.dealerships import DealershipSettings
from dealerlink.domain.identity import Principal, Role
from dealerlink.domain.interventions import (
    InterventionFields,
    Status,
    check_contact_can_be_saved,
    check_module,
    check_reply_by,
    fingerprint,
)
from dealerlink.domain.validation import parse
from dealerlink.domain.worklist import Work, accepted_gross, check_unique_ids, fill_ids, parse_works
from dealerlink.errors import ForbiddenError, NotFoundError, ValidationError
from dealerlink.ids import check_client_id, new_id
from dealerlink.store import checklists, customers
from dealerlink.store import interventions as store
from dealerlink.store.table import BaseItem, json_text
from dealerlink.store.transactions import TransactionFailedError
from dealerlink.store.users import get_member

Filters = Mapping[str, Sequence[str]]
_NOT_IN_DOC = {"brand", "mode", "module", "reference", "assignee_id", "works"}  # attributes of their own


# ---------------------------------------------------------------- validation


def check_mode_right(principal: Principal, mode: str) -> None:
    """F-1.2: salespeople work in sales mode only; phones of the audit app create nothing."""
    if principal.kind == "device":
        if principal.app != "app":
            raise ForbiddenError("the audit app cannot create interventions", code="app_not_allowed")
        return
    if Role.GROUP_MANAGER in principal.roles or Role.BACK_OFFICE in principal.roles:
        return
    if mode != "sales":
        raise ForbiddenError("salespeople create sales-mode interventions only", field="mode", code="mode_not_allowed")


def validated(
    body: dict[str, Any], dealership_id: str, settings: DealershipSettings
) -> tuple[InterventionFields, str, list[dict[str, Any]]]:
    """The file ``body`` describes, its brand and its numbered works, checked against the dealership."""
    check_module(body)
    fields = parse(InterventionFields, {k: v for k, v in body.items() if k not in ("client_id", "version")})
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


def _today(settings: DealershipSettings) -> date:
    return datetime.now(ZoneInfo(settings.timezone)).date()


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
    performed = [w.model_dump(mode="json") for w in parse_performed_works(fields.performed_works)]
    planned = [w.model_dump(mode="json") for w in parse_planned_works(fields.works_to_plan, _today(settings))]
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


def current_body(item: store.Intervention) -> dict[str, Any]:
    """The file as a client would send it: its stored contact keeps only the fields it holds
    (a field left out is stored as null, which a client may not send)."""
    body = {"mode": item.mode, "module": item.module, "brand": item.brand, "reference": item.reference}
    fields = item.fields
    if isinstance(fields.get("contact"), dict):
        fields["contact"] = {k: v for k, v in fields["contact"].items() if v is not None}
    return body | {"assignee_id": item.assignee_id, **fields}


# ---------------------------------------------------------------- create, duplicate


def _new_item(
    dealership_id: str,
    principal: Principal,
    fields: InterventionFields,
    brand: str,
    works: list[dict[str, Any]],
    client_id: str | None,
    body_hash: str | None = None,
) -> store.Intervention:
    """The file to create; one made offline keeps its create's fingerprint to tell replays apart."""
    doc = fields.model_dump(mode="json", exclude=_NOT_IN_DOC)
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
        body_hash=body_hash if client_id else None,
        doc=json_text({**doc, "works": works}),
    )


def create(
    dealership_id: str,
    principal: Principal,
    settings: DealershipSettings,
    fields: dict[str, Any],
    *,
    client_id: str | None,
    sent: dict[str, Any],
) -> tuple[store.Intervention, bool]:
    """Create the file ``fields`` describe; ``(file, True)``, or ``(the file, False)`` when this is
    a replay of the create that made it (same ``client_id``, same body ``sent``)."""
    client_id = check_client_id(client_id)
    checked, brand, works = validated(fields, dealership_id, settings)
    check_reply_by(checked.reply_by, datetime.now(UTC))
    check_mode_right(principal, checked.mode)
    item = _new_item(dealership_id, principal, checked, brand, works, client_id, fingerprint(sent))
    try:
        return _create_with_customer(item, principal.subject), True
    except store.AlreadyCreatedError as retried:
        return retried.intervention, False


def duplicate(
    dealership_id: str,
    intervention_id: str,
    principal: Principal,
    settings: DealershipSettings,
    changes: dict[str, Any],
) -> store.Intervention:
    """A new file from this one (F-3.9) with ``changes`` (a new reference; brand, mode, module)."""
    source = store.get(dealership_id, intervention_id)
    fields, brand, works = validated(current_body(source) | changes, dealership_id, settings)
    if fields.reference == source.reference:
        raise ValidationError("the duplicate needs a reference of its own", field="reference")
    check_mode_right(principal, fields.mode)
    item = _new_item(dealership_id, principal, fields, brand, works, None)
    return _create_with_customer(item, principal.subject, "duplicated", {"from": source.intervention_id})


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


def _customer_for(item: store.Intervention) -> tuple[str | None, list[BaseItem]]:
    """The dealership's customer with the contact's email or phone, or a new one and its items."""
    contact = item.fields.get("contact") or {}
    if not (contact.get("email") or contact.get("phone")):
        return None, []
    found = customers.match(item.dealership_id, contact)
    if found is not None:
        return found, []
    return customers.new_customer(item.dealership_id, contact)


# ---------------------------------------------------------------- edit, answers, work reports


def edit(
    dealership_id: str,
    intervention_id: str,
    principal: Principal,
    settings: DealershipSettings,
    changes: dict[str, Any],
    version: int,
) -> store.Intervention:
    """Lay ``changes`` over the file waiting to be sent, at ``version`` (409 when stale)."""
    item = store.get(dealership_id, intervention_id)
    fields, brand, works = validated({**current_body(item), **changes}, dealership_id, settings)
    if "reply_by" in changes:  # a deadline that passed while the file waited is refused at send
        check_reply_by(fields.reply_by, datetime.now(UTC))
    check_mode_right(principal, fields.mode)
    doc = fields.model_dump(mode="json", exclude=_NOT_IN_DOC)
    attributes = {
        "mode": fields.mode,
        "module": fields.module,
        "brand": brand,
        "reference": fields.reference,
        "assignee_id": fields.assignee_id,
        "doc": json_text({**doc, "works": works}),
    }
    return store.edit(item, attributes, expected_version=version, actor=principal.subject)


def manual_accept(
    dealership_id: str,
    intervention_id: str,
    principal: Principal,
    settings: DealershipSettings,
    accepted: list[str],
    origin: str,
    notify: str,
) -> store.Intervention:
    """Record an approval given by phone or in person (F-3.10); the customer is told by ``notify``."""
    from dealerlink.services import messages

    item = store.get(dealership_id, intervention_id)
    works = parse_works(item.fields.get("works", []))
    ids: set[str] = {str(w.id) for w in works if w.urgency in ("recommended", "urgent")}
    for index, work_id in enumerate(accepted):
        if work_id not in ids:
            raise ValidationError(
                f"{work_id!r} is not a proposed work of this intervention", field=f"accepted_work_ids.{index}"
            )
    amount = accepted_gross(works, Decimal(settings.vat_rate), set(accepted))
    answers = {work_id: work_id in accepted for work_id in sorted(ids)}
    confirmation = messages.accepted(item, settings, notify, amount, len(accepted))
    return store.record_answers(item, answers, str(amount), origin, principal.subject, messages=list(confirmation))


def _by_work(raw: Mapping[str, Mapping[str, Any]] | None) -> dict[tuple[str, str], Any]:
    """``{intervention id: {work id: value}}`` into ``{(intervention id, work id): value}``."""
    return {(i, w): value for i, works in (raw or {}).items() for w, value in works.items()}


def import_into_work_report(
    dealership_id: str,
    report_id: str,
    principal: Principal,
    settings: DealershipSettings,
    intervention_ids: list[str],
    version: int,
    deadlines: Mapping[str, Mapping[str, date]] | None,
    mileages: Mapping[str, Mapping[str, int]] | None,
) -> store.Intervention:
    """F-6.1: accepted works of answered files become performed works (paid ones at 0), declined
    ones works to plan with their deadlines (and mileages); each work is imported once."""
    from dealerlink.domain.work_reports import (
        AnsweredIntervention,
        PerformedWork,
        PlannedWork,
        by_urgency_then_deadline,
        performed_from_answered,
        to_plan_from_declined,
    )

    report = store.get(dealership_id, report_id)
    if report.module != "work_report":
        raise ValidationError(
            "only work reports import interventions", field="intervention_id", code="not_a_work_report"
        )
    if version != report.version:
        raise ValidationError("version is the number the report was read with", field="version", code="stale_version")
    sources = []
    for index, source_id in enumerate(intervention_ids):
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
    existing = [PerformedWork.model_validate(w) for w in report.fields.get("performed_works") or []]
    performed = performed_from_answered(sources, existing)
    planned_before = [PlannedWork.model_validate(w) for w in report.fields.get("works_to_plan") or []]
    known = {(w.source_intervention_id, w.source_work_id) for w in planned_before}
    planned = [
        w
        for w in to_plan_from_declined(sources, _by_work(deadlines), _by_work(mileages), _today(settings))
        if (w.source_intervention_id, w.source_work_id) not in known
    ]
    ids = fill_ids([w.id for w in existing] + [None] * len(performed), "w")[len(existing) :]  # none taken twice
    numbered = [{**w.model_dump(mode="json"), "id": work_id} for w, work_id in zip(performed, ids, strict=True)]
    fields = {
        **report.fields,
        "performed_works": [w.model_dump(mode="json") for w in existing] + numbered,
        "works_to_plan": [w.model_dump(mode="json") for w in by_urgency_then_deadline([*planned_before, *planned])],
    }
    return store.edit(report, {"doc": json_text(fields)}, expected_version=int(report.version), actor=principal.subject)


# ---------------------------------------------------------------- lists


def listing(
    dealership_id: str, filters: Filters, *, show_closed: bool, limit: int, cursor: dict[str, Any] | None
) -> tuple[list[store.Intervention], Any]:
    """A page of the dealership's files, newest first, among ``filters``."""
    return store.listing(dealership_id, show_closed=show_closed, limit=limit, cursor=cursor, filters=filters)


def search_files(
    dealership_id: str, text: str, filters: Filters, *, show_closed: bool, limit: int
) -> list[store.Intervention]:
    """Keyword search (reference, plate, VIN, names, email, phone), then the same filters."""
    term = search.query_term(text)
    if term is None:
        raise ValidationError(f"search for at least {search.MIN_QUERY} letters or digits", field="q")
    items = store.get_many(dealership_id, store.search_ids(dealership_id, term, limit))
    return [
        i
        for i in items
        if (show_closed or i.status != Status.CLOSED)
        and all(getattr(i, name) in values for name, values in filters.items())
    ]


def dealerships_of(principal: Principal, wanted: list[str]) -> list[str]:
    """The dealerships asked for (every one of the caller's when none is), each the caller's."""
    dealerships = sorted(set(wanted)) or sorted(principal.dealership_ids)
    for index, dealership_id in enumerate(dealerships):
        if dealership_id not in principal.dealership_ids:
            raise NotFoundError("no such dealership", field=f"dealership_id.{index}")
    return dealerships


def merged_listing(
    dealerships: list[str], filters: Filters, *, show_closed: bool, before: str | None, limit: int
) -> list[store.Intervention]:
    """Up to ``limit`` files of several dealerships older than the id ``before``, newest first."""
    merged = sorted(
        (
            item
            for dealership_id in dealerships
            for item in store.listing_before(
                dealership_id, show_closed=show_closed, before=before, limit=limit, filters=filters
            )
        ),
        key=lambda item: item.intervention_id,
        reverse=True,
    )
    return merged[:limit]
