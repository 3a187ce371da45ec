"""``GET /v1/health``: is every resource a request path needs reachable?"""

from __future__ import annotations

from chalice import Blueprint, Response

from dealerlink.adapters.health import probe_all
from dealerlink.api.edge import Access, json_response, route

bp = Blueprint(__name__)


@route(bp, "/v1/health", "GET", access=Access.PUBLIC, tags=("ops",))
def health() -> Response:
    """Report the table, buckets and queues reachable (503 when any is not)."""
    checks = probe_all()
    healthy = all(state == "ok" for state in checks.values())
    return json_response({"status": "ok" if healthy else "degraded", "checks": checks}, 200 if healthy else 503)
