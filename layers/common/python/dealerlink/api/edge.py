"""Everything every route shares: declaration, JSON in and out, errors, logs and metrics.

Routes are declared with :func:`route`, which records them in :data:`ROUTES` (the one table
of paths, methods and who may call them: OpenAPI, template.yaml's API events and the
tenancy tests are generated from it) and maps every error to ARCHITECTURE.md §6's format.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from chalice import Blueprint, Chalice, ChaliceViewError, Response
from chalice.app import Request

from dealerlink.domain.identity import Role
from dealerlink.errors import DealerLinkError, PayloadTooLargeError, ValidationError
from dealerlink.observability import observability

logger, metrics = observability("api")

MAX_BODY_BYTES = 1024 * 1024
_JSON = {"Content-Type": "application/json"}


class Access(StrEnum):
    """Who may call a route; enforced before the view runs."""

    PUBLIC = "public"  # anyone (health, OpenAPI)
    STAFF = "staff"  # a Cognito JWT of a member of the path's dealership
    DEVICE = "device"  # a paired device credential
    CUSTOMER = "customer"  # a customer page token in the path
    WEBHOOK = "webhook"  # a signed call from a third party (Stripe)


@dataclass(frozen=True)
class RouteSpec:
    path: str
    method: str
    access: Access
    summary: str
    roles: tuple[Role, ...] = ()
    status: int = 200
    tags: tuple[str, ...] = field(default=())


ROUTES: list[RouteSpec] = []

# Reads one request may need more than once (a dealership's settings…), kept for that request only.
_request_cache: ContextVar[dict[str, Any] | None] = ContextVar("request_cache", default=None)

T = TypeVar("T")


def per_request(key: str, load: Callable[[], T]) -> T:
    """``load()`` once per request for ``key``; a new request reads afresh."""
    cache = _request_cache.get()
    if cache is None:
        return load()
    if key not in cache:
        cache[key] = load()
    value: T = cache[key]
    return value


View = Callable[..., Any]


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body=json.dumps(body, default=str), status_code=status, headers={**_JSON, **(headers or {})})


def error_response(error: DealerLinkError) -> Response:
    return json_response(error.to_dict(), error.status)


def _internal_error() -> Response:
    logger.exception("unhandled error")
    metrics.add_metric(name="UnhandledErrors", unit="Count", value=1)
    body = {"error": {"code": "internal_error", "message": "Something went wrong on our side."}}
    return json_response(body, 500)


def _from_chalice(exc: ChaliceViewError) -> Response:
    status = getattr(exc, "STATUS_CODE", 400)
    code = "bad_request" if status == 400 else type(exc).__name__.removesuffix("Error").lower()
    return json_response({"error": {"code": code, "message": str(exc)}}, status)


def route(
    bp: Blueprint,
    path: str,
    method: str,
    *,
    access: Access,
    roles: tuple[Role, ...] = (),
    status: int = 200,
    tags: tuple[str, ...] = (),
) -> Callable[[View], View]:
    """Declare a route: record it in ROUTES and wrap it so errors come out as §6 JSON.

    The caller is authenticated and authorized (``access``, the path's ``dealership_id``,
    ``roles``) before the view runs; a view with a ``principal`` parameter receives it.

    Example::

        @route(bp, "/v1/health", "GET", access=Access.PUBLIC)
        def health() -> dict[str, object]:
            ...
    """

    def decorate(fn: View) -> View:
        from dealerlink.api.security import authenticate

        summary = (fn.__doc__ or fn.__name__).strip().splitlines()[0]
        ROUTES.append(RouteSpec(path, method.upper(), access, summary, roles, status, tags))
        wants_principal = "principal" in inspect.signature(fn).parameters

        @functools.wraps(fn)
        def view(**kwargs: Any) -> Response:
            _request_cache.set({})
            try:
                principal = authenticate(access.value, roles, bp.current_request, kwargs)
                if wants_principal:
                    kwargs["principal"] = principal
                result = fn(**kwargs)
            except DealerLinkError as exc:
                return error_response(exc)
            except ChaliceViewError as exc:
                return _from_chalice(exc)
            except Exception:  # noqa: BLE001 - the edge turns every surprise into one logged 500
                return _internal_error()
            return result if isinstance(result, Response) else json_response(result, status)

        bp.route(path, methods=[method.upper()])(view)
        return fn

    return decorate


def read_json(request: Request) -> dict[str, Any]:
    """The request body as a JSON object, or a clear 400/413 naming what is wrong."""
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLargeError(f"request body over {MAX_BODY_BYTES} bytes", field="body")
    if not raw:
        raise ValidationError("a JSON object is required", field="body", code="body_required")
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"body is not valid JSON: {exc}", field="body", code="invalid_json") from exc
    if not isinstance(body, dict):
        raise ValidationError("body must be a JSON object", field="body", code="invalid_json")
    return body


def install(app: Chalice) -> None:
    """Add the middleware every request goes through: correlation id, metrics, error format."""

    @app.middleware("http")
    def edge(event: Request, get_response: Callable[[Request], Response]) -> Response:
        context = event.context or {}
        logger.set_correlation_id(context.get("requestId"))
        logger.append_keys(route=context.get("resourcePath"), method=event.method)
        try:
            response = get_response(event)
            response = _reformat_chalice_errors(response)
            logger.info("request", extra={"status": response.status_code})
            metrics.add_metric(name="Requests", unit="Count", value=1)
            if response.status_code >= 500:
                metrics.add_metric(name="ServerErrors", unit="Count", value=1)
            return response
        finally:
            metrics.flush_metrics()
            logger.remove_keys(["route", "method"])


def _reformat_chalice_errors(response: Response) -> Response:
    """Chalice answers 405/415 itself, as ``{"Code", "Message"}``: speak §6 there too."""
    body = response.body
    if isinstance(body, dict) and set(body) == {"Code", "Message"}:
        code = {405: "method_not_allowed", 415: "unsupported_media_type"}.get(response.status_code, "bad_request")
        headers = {k: v for k, v in response.headers.items() if isinstance(v, str) and k.lower() != "content-type"}
        return json_response({"error": {"code": code, "message": body["Message"]}}, response.status_code, headers)
    return response
