"""Everything every route shares: declaration, JSON in and out, errors, logs and metrics.

Routes are declared with :func:`route`, which records them in :data:`ROUTES` (the one table
of paths, methods and who may call them: OpenAPI, template.yaml's API events and the
tenancy tests are generated from it) and maps every error to ARCHITECTURE.md §6's format.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

import chalice
from chalice import Chalice, ChaliceViewError, Response
from chalice.app import Request
from pydantic import BaseModel, TypeAdapter

from dealerlink.config import settings
from dealerlink.domain.contacts import phone_region
from dealerlink.domain.identity import Role
from dealerlink.domain.validation import parse
from dealerlink.errors import DealerLinkError, InvalidCursorError, PayloadTooLargeError, ValidationError
from dealerlink.observability import observability

logger, metrics = observability("api")

MAX_BODY_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 32  # no body of this API nests deeper; deeper ones only cost stack and time
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_JSON = {"Content-Type": "application/json"}
_LOG_KEYS = ("correlation_id", "route", "method")


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
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: Any = None  # a model, ``Page[Item]``, or None for a non-JSON answer
    media_type: str = "application/json"
    description: str = ""
    examples: Mapping[str, Any] = field(default_factory=dict, compare=False)
    module: str = ""  # the dealerlink.api module that declares it
    errors: tuple[int, ...] = ()  # error statuses beyond those its access and method imply
    replayable: bool = False  # a create a client may send again (same client_id): 200, the first's answer


ROUTES: list[RouteSpec] = []
# The edge-wrapped view of each (path, method), for the app's lazy mounting (:func:`mount`).
VIEWS: dict[tuple[str, str], Callable[..., Response]] = {}


class Blueprint(chalice.Blueprint):
    """A Chalice blueprint whose ``current_request`` is the request this thread serves.

    The API mounts routes lazily (:func:`mount`), so blueprints are never registered on the
    app; their views still read their request here."""

    @property
    def current_request(self) -> Request:
        request = _current_request.get()
        if request is None:
            raise RuntimeError("no request is being served")
        return request


# Reads one request may need more than once (a dealership's settings…), kept for that request only.
_request_cache: ContextVar[dict[str, Any] | None] = ContextVar("request_cache", default=None)
# The request each thread is serving (the local stack serves requests on threads).
_current_request: ContextVar[Request | None] = ContextVar("current_request", default=None)

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


def html_response(html: str, headers: Mapping[str, str]) -> Response:
    """An HTML page made for this request only (never cached), with ``headers`` beside."""
    return Response(
        body=html,
        status_code=200,
        headers={"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", **headers},
    )


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
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: Any = None,
    media_type: str = "application/json",
    examples: Mapping[str, Any] | None = None,
    errors: tuple[int, ...] = (),
    replayable: bool = False,
) -> Callable[[View], View]:
    """Declare a route: record it in ROUTES and wrap it so errors come out as §6 JSON.

    The caller is authenticated and authorized (``access``, the path's ``dealership_id``,
    ``roles``) before the view runs; a view with a ``principal`` parameter receives it.
    ``body`` and ``query`` are validated here (400 naming the field) and handed to the view
    as ``body=`` and ``query=``; what the view returns is serialised through ``response``
    (a model instance, or a dict the model validates). ``examples`` (name -> request body)
    go into the OpenAPI document, with ``errors``: statuses the route answers beyond those its
    access and method imply (a public sign-in's 401). A ``replayable`` create answers 200 with
    the first attempt's answer when sent again with its ``client_id`` (offline phones retry).

    Example::

        @route(bp, "/v1/health", "GET", access=Access.PUBLIC)
        def health() -> dict[str, object]:
            ...
    """

    def decorate(fn: View) -> View:
        from dealerlink.api.security import authenticate

        doc = (fn.__doc__ or fn.__name__).strip()
        summary, _, description = doc.partition("\n")
        spec = RouteSpec(
            path, method.upper(), access, summary.strip(), roles, status, tags, body, query, response,
            media_type, inspect.cleandoc(description), dict(examples or {}), fn.__module__.rsplit(".", 1)[-1],
            errors, replayable,
        )  # fmt: skip
        ROUTES.append(spec)
        wants_principal = "principal" in inspect.signature(fn).parameters
        out = _serialiser(response)

        @functools.wraps(fn)
        def view(**kwargs: Any) -> Response:
            cache = _request_cache.set({})  # this request's reads, forgotten when it ends
            try:
                request = _current_request.get()
                if request is None:
                    raise RuntimeError("a view ran outside a request")
                principal = authenticate(access.value, roles, request, kwargs)
                if method.upper() in BODY_METHODS and (request.raw_body or b"").strip():
                    read_json(request)  # every body is read by the one parser, even one the view ignores
                if wants_principal:
                    kwargs["principal"] = principal
                if body is not None:
                    with phone_region(functools.partial(_country, kwargs.get("dealership_id"), principal)):
                        kwargs["body"] = parse(body, read_json(request))
                if query is not None:
                    kwargs["query"] = read_query(request, query)
                result = fn(**kwargs)
                if out is not None and not isinstance(result, Response):
                    result = out(result)
            except DealerLinkError as exc:
                return error_response(exc)
            except ChaliceViewError as exc:
                return _from_chalice(exc)
            except Exception:  # noqa: BLE001 - the edge turns every surprise into one logged 500
                return _internal_error()
            finally:
                _request_cache.reset(cache)
            return result if isinstance(result, Response) else json_response(result, status)

        bp.route(path, methods=[method.upper()])(view)
        VIEWS[(path, method.upper())] = view
        return fn

    return decorate


def _country(dealership_id: str | None, principal: Any) -> str | None:
    """The caller's dealership's country, where national phone numbers are read."""
    from dealerlink.store.dealerships import get_dealership

    if dealership_id is None and principal is not None and len(principal.dealership_ids) == 1:
        dealership_id = principal.dealership_id
    if dealership_id is None:
        return None
    found = per_request(f"dealership#{dealership_id}", lambda: get_dealership(dealership_id))
    country: str = found.settings.country
    return country


def _serialiser(response: Any) -> Callable[[Any], Any] | None:
    """How a view's result becomes JSON: validated by the response model, dumped in JSON mode."""
    if response is None:
        return None

    @functools.cache
    def adapter() -> TypeAdapter[Any]:  # built at the first answer, not at import (cold start)
        return TypeAdapter(response)

    def serialise(result: Any) -> Any:
        return adapter().dump_python(adapter().validate_python(result), mode="json")

    return serialise


def read_query(request: Request, model: type[BaseModel]) -> Any:
    """The query string as ``model`` (unknown parameters are a 400 naming them).

    A parameter given twice keeps its last value, as API Gateway's ``queryStringParameters``."""
    from dealerlink.api.contract.common import WholeListQuery

    params: Any = request.query_params or {}
    parsed = parse(model, {name: params.get(name) for name in params})
    if isinstance(parsed, WholeListQuery) and parsed.cursor is not None:
        raise InvalidCursorError()
    return parsed


def read_json(request: Request) -> dict[str, Any]:
    """The request body as a JSON object, or a clear 400/413 naming ``body``.

    The one parser of request bodies: every route's body goes through it (the edge reads it
    once, after authentication, before the view), so what JSON may hold is decided here once:
    at most 1 MB, nested at most 32 levels, integers Python converts (4,300 digits).
    """
    return per_request("body", lambda: _parse_body(request.raw_body or b""))


def _parse_body(raw: bytes | str) -> dict[str, Any]:
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLargeError(f"request body over {MAX_BODY_BYTES} bytes", field="body")
    if not raw:
        raise ValidationError("a JSON object is required", field="body", code="body_required")
    body = _loads(raw)
    if not isinstance(body, dict):
        raise ValidationError("body must be a JSON object", field="body", code="invalid_json")
    return body


def _loads(raw: bytes | str) -> Any:
    too_deep = ValidationError(f"body nests deeper than {MAX_JSON_DEPTH} levels", field="body", code="invalid_json")
    try:
        value = json.loads(raw)
    except RecursionError:  # deeper than the interpreter's stack: far past the limit
        raise too_deep from None
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError, and integers over 4,300 digits
        raise ValidationError(f"body is not valid JSON: {exc}", field="body", code="invalid_json") from None
    if _deeper_than(value, MAX_JSON_DEPTH):
        raise too_deep
    return value


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether objects and arrays nest more than ``limit`` levels (walked without recursion)."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class App(Chalice):
    """The Chalice app, with ``current_request`` kept per thread (and context).

    Chalice keeps it in one attribute of the app; the local stack serves requests on threads,
    where one view would read another's request, body and credentials included.
    """

    @property
    def current_request(self) -> Request | None:
        return _current_request.get()

    @current_request.setter
    def current_request(self, request: Request | None) -> None:
        _current_request.set(request)


def mount(app: Chalice, routes: tuple[tuple[str, str, str], ...]) -> None:
    """Route every ``(path, method, module)`` to its view, importing ``module`` at its first call.

    A cold start then imports the edge, not every feature's models, store and services: a
    request pays only for its own feature (the index is generated: ``make routes``)."""
    for path, method, module in routes:
        app.route(path, methods=[method])(_lazy(path, method, module))


def _lazy(path: str, method: str, module: str) -> Callable[..., Response]:
    def view(**kwargs: Any) -> Response:
        found = VIEWS.get((path, method))
        if found is None:
            importlib.import_module(f"dealerlink.api.{module}")
            found = VIEWS[(path, method)]
        return found(**kwargs)

    view.__name__ = f"{module}_{method.lower()}_{len(path)}"
    return view


def load_all(modules: tuple[str, ...] | None = None) -> list[RouteSpec]:
    """Import every route module (the OpenAPI document and the tests need the whole table)."""
    from dealerlink.api.index import MODULES

    for module in modules or MODULES:
        importlib.import_module(f"dealerlink.api.{module}")
    return ROUTES


def install(app: Chalice) -> None:
    """Add the middleware every request goes through: correlation id, metrics, error format."""

    @app.middleware("http")
    def edge(event: Request, get_response: Callable[[Request], Response]) -> Response:
        context = event.context or {}
        # Thread-safe keys: the local stack serves requests on threads, where process-wide
        # keys would name another request's route in this one's records.
        logger.thread_safe_append_keys(
            correlation_id=context.get("requestId"), route=context.get("resourcePath"), method=event.method
        )
        try:
            response = _with_cors(event, _reformat_chalice_errors(get_response(event)))
            logger.info("request", extra={"status": response.status_code})
            metrics.add_metric(name="Requests", unit="Count", value=1)
            if response.status_code >= 500:
                metrics.add_metric(name="ServerErrors", unit="Count", value=1)
            return response
        finally:
            metrics.flush_metrics()
            logger.thread_safe_remove_keys(_LOG_KEYS)


def _with_cors(request: Request, response: Response) -> Response:
    """The console's origin may read the answer (API Gateway answers its preflight); any other
    origin gets no CORS header, so browsers keep the answer from it."""
    origin: str | None = request.headers.get("origin") if request.headers else None
    if origin and origin == settings().backoffice_origin:
        response.headers.update(
            {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true", "Vary": "Origin"}
        )
    return response


def _reformat_chalice_errors(response: Response) -> Response:
    """Chalice answers 405/415 itself, as ``{"Code", "Message"}``: speak §6 there too."""
    body = response.body
    if isinstance(body, dict) and set(body) == {"Code", "Message"}:
        code = {405: "method_not_allowed", 415: "unsupported_media_type"}.get(response.status_code, "bad_request")
        headers = {k: v for k, v in response.headers.items() if isinstance(v, str) and k.lower() != "content-type"}
        return json_response({"error": {"code": code, "message": body["Message"]}}, response.status_code, headers)
    return response
