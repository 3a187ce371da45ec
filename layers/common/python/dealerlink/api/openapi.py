"""The OpenAPI 3.1 document, generated from the route table and served at /v1/openapi.json.

The same document is checked in as ``infra/openapi.json`` for clients and fuzzers; a test
fails when the two drift (regenerate with ``python -m devstack.routes --write``).
"""

from __future__ import annotations

import re
from typing import Any

from chalice import Blueprint

from dealerlink.api.edge import ROUTES, Access, RouteSpec, route

bp = Blueprint(__name__)

_PARAM = re.compile(r"{([a-z_]+)}")

_SECURITY: dict[Access, list[dict[str, list[str]]]] = {
    Access.PUBLIC: [],
    Access.CUSTOMER: [],
    Access.WEBHOOK: [],
    Access.STAFF: [{"staffJwt": []}],
    Access.DEVICE: [{"deviceCredential": []}],
}

_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "stable snake_case code"},
                "message": {"type": "string", "description": "for a person"},
                "field": {"type": "string", "description": "path.to.the.field at fault"},
            },
        }
    },
}


def _operation(spec: RouteSpec) -> dict[str, Any]:
    params = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in _PARAM.findall(spec.path)
    ]
    error = {
        "description": "error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    op: dict[str, Any] = {
        "operationId": _operation_id(spec),
        "summary": spec.summary,
        "security": _SECURITY[spec.access],
        "x-dealerlink-access": spec.access.value,
        "responses": {str(spec.status): {"description": "success"}, "4XX": error, "5XX": error},
    }
    if spec.roles:
        op["x-dealerlink-roles"] = list(spec.roles)
    if spec.tags:
        op["tags"] = list(spec.tags)
    if params:
        op["parameters"] = params
    if spec.method in {"POST", "PUT", "PATCH"}:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}
    return op


def _operation_id(spec: RouteSpec) -> str:
    words = [w for w in re.split(r"[/{}._-]+", spec.path) if w and w != "v1"]
    return "_".join([spec.method.lower(), *words])


def build_openapi(routes: list[RouteSpec] | None = None) -> dict[str, Any]:
    """The whole document, deterministic (sorted) so the checked-in copy can be compared."""
    paths: dict[str, dict[str, Any]] = {}
    for spec in sorted(routes if routes is not None else ROUTES, key=lambda s: (s.path, s.method)):
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec)
    return {
        "openapi": "3.1.0",
        "info": {"title": "DealerLink API", "version": "1.0.0"},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": {"Error": _ERROR_SCHEMA},
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


@route(bp, "/v1/openapi.json", "GET", access=Access.PUBLIC, tags=("ops",))
def openapi() -> dict[str, Any]:
    """This API's OpenAPI 3.1 document."""
    return build_openapi()
