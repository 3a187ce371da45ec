"""The OpenAPI 3.1 document, generated from the route table and served at /v1/openapi.json.

The same document is checked in as ``infra/openapi.json`` for clients and fuzzers; a test
fails when the two drift (regenerate with ``python -m devstack.routes --write``).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, RootModel
from pydantic.json_schema import models_json_schema

from dealerlink.api.edge import ROUTES, Access, Blueprint, RouteSpec, load_all, route

bp = Blueprint(__name__)


class FreeFormDocument(RootModel[dict[str, Any]]):
    """An OpenAPI 3.1 document (its own schema is the OpenAPI specification's)."""

    model_config = ConfigDict(defer_build=True)


_PARAM = re.compile(r"{([a-z_]+)}")

_SECURITY: dict[Access, list[dict[str, list[str]]]] = {
    Access.PUBLIC: [],
    Access.CUSTOMER: [],
    Access.WEBHOOK: [],
    Access.STAFF: [{"staffJwt": []}],
    Access.DEVICE: [{"deviceCredential": []}],
}

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_REF = "#/components/schemas/{model}"
_MESSAGES = {
    400: "invalid input: the error names the field",
    401: "no or a bad credential",
    403: "the caller lacks the right",
    404: "not found (or another dealership's)",
    409: "conflicts with the object's state or a concurrent change",
    413: "too big",
    415: "not JSON",
    422: "understood but not possible now",
    429: "too many calls; try again later",
    500: "our fault; logged",
}


def _error_statuses(spec: RouteSpec) -> list[int]:
    """The errors a route can answer (status_code_conformance holds us to them)."""
    statuses = {400, 404, 429, 500, *spec.errors}
    if spec.access in (Access.STAFF, Access.DEVICE):
        statuses |= {401, 403}
    if spec.access == Access.WEBHOOK:
        statuses |= {401}
    if spec.method != "GET":
        statuses |= {409, 422}
    if spec.method in _BODY_METHODS:
        statuses |= {413, 415}
    return sorted(statuses)


def _query_parameters(model: type[BaseModel] | None, defs: dict[str, Any]) -> list[dict[str, Any]]:
    if model is None:
        return []
    schema = model.model_json_schema(ref_template=_REF)
    defs.update(schema.pop("$defs", {}))
    required = set(schema.get("required", ()))
    params = []
    for name, prop in schema.get("properties", {}).items():
        param: dict[str, Any] = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if "description" in prop:
            param["description"] = prop["description"]
        params.append(param)
    return params


def _content(spec: RouteSpec, names: dict[tuple[Any, str], str]) -> dict[str, Any]:
    if spec.response is None:
        schema: dict[str, Any] = {"type": "string"}
        if spec.media_type != "text/html":
            schema["format"] = "binary"
        return {spec.media_type: {"schema": schema}}
    return {"application/json": {"schema": {"$ref": names[(spec.response, "serialization")]}}}


def _operation(spec: RouteSpec, names: dict[tuple[Any, str], str], defs: dict[str, Any]) -> dict[str, Any]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in _PARAM.findall(spec.path)
    ]
    params += _query_parameters(spec.query, defs)
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    responses: dict[str, Any] = {str(spec.status): {"description": "success", "content": _content(spec, names)}}
    if spec.status == 204:
        responses["204"] = {"description": "done, nothing to answer"}
    if spec.replayable:
        responses["200"] = {
            "description": "sent again with its client_id: what the first attempt made",
            "content": _content(spec, names),
        }
    for status in _error_statuses(spec):
        responses[str(status)] = {"description": _MESSAGES[status], **error}
    op: dict[str, Any] = {
        "operationId": _operation_id(spec),
        "summary": spec.summary,
        "security": _SECURITY[spec.access],
        "x-dealerlink-access": spec.access.value,
        "responses": responses,
    }
    if spec.description:
        op["description"] = spec.description
    if spec.roles:
        op["x-dealerlink-roles"] = list(spec.roles)
    if spec.tags:
        op["tags"] = list(spec.tags)
    if params:
        op["parameters"] = params
    if spec.body is not None:
        media: dict[str, Any] = {"schema": {"$ref": names[(spec.body, "validation")]}}
        if spec.examples:
            media["examples"] = {name: {"value": value} for name, value in spec.examples.items()}
        op["requestBody"] = {"required": True, "content": {"application/json": media}}
    return op


def _operation_id(spec: RouteSpec) -> str:
    words = [w for w in re.split(r"[/{}._-]+", spec.path) if w and w != "v1"]
    return "_".join([spec.method.lower(), *words])


def build_openapi(routes: list[RouteSpec] | None = None) -> dict[str, Any]:
    """The whole document, deterministic (sorted) so the checked-in copy can be compared.

    Every body and response model is a component (pydantic's JSON Schema, 2020-12 as
    OpenAPI 3.1 takes it); a model used both ways gets an ``-Input`` and an ``-Output`` form.
    """
    from dealerlink.api.contract.common import Error

    specs = sorted(routes if routes is not None else ROUTES, key=lambda s: (s.path, s.method))
    wanted: list[tuple[Any, Any]] = [(Error, "serialization")]
    for spec in specs:
        if spec.body is not None:
            wanted.append((spec.body, "validation"))
        if spec.response is not None:
            wanted.append((spec.response, "serialization"))
    unique = list(dict.fromkeys(wanted))
    refs, top = models_json_schema(unique, ref_template=_REF)
    defs: dict[str, Any] = dict(top.get("$defs", {}))
    names: dict[tuple[Any, str], str] = {(model, mode): value["$ref"] for (model, mode), value in refs.items()}
    paths: dict[str, dict[str, Any]] = {}
    for spec in specs:
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec, names, defs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "DealerLink API",
            "version": "1.0.0",
            "description": "Video worklists for car dealerships. Conventions: ARCHITECTURE.md §6.",
        },
        "servers": [
            {"url": "/", "description": "the origin that serves this document (API Gateway or CloudFront /api)"},
            {"url": "http://127.0.0.1:8000", "description": "the local stack (make dev)"},
        ],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(defs.items())),
            "securitySchemes": {
                "staffJwt": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "deviceCredential": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "Device <credential>",
                },
            },
        },
    }


@route(bp, "/v1/openapi.json", "GET", access=Access.PUBLIC, tags=("ops",), response=FreeFormDocument)
def openapi() -> dict[str, Any]:
    """This API's OpenAPI 3.1 document."""
    return build_openapi(load_all())
