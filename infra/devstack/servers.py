"""The two HTTP servers of the local stack.

- the API: the Chalice app behind Chalice's local gateway, which builds the same proxy
  event API Gateway sends (``requestContext.resourcePath`` and all), so the app runs the
  code path it runs on AWS;
- "CloudFront": ``/p/...`` from the site bucket, ``/api/...`` to the API with the prefix
  stripped (the deployed distribution does the same with a CloudFront Function), with the
  security headers of the managed SecurityHeadersPolicy; and, locally only, ``/_outbox/``
  and ``/_outbox.json``: the emails and SMS the stack has sent (devstack.outbox).
"""

from __future__ import annotations

import http.client
import json
import mimetypes
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
from botocore.exceptions import ClientError

from devstack.template import REGION, page_headers

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-XSS-Protection": "1; mode=block",
}
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "host", "content-length"}


class _Server:
    """A threading HTTP server on its own thread, stoppable."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.thread = threading.Thread(target=server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def api_server(app: Any, host: str, port: int) -> _Server:
    from chalice.config import Config
    from chalice.local import create_local_server

    config = Config.create(chalice_stage="local", app_name="dealerlink-api")
    own_class = app.__class__
    local = create_local_server(app, config, host, port)
    # chalice.local swaps the app's class for one keeping ``current_request`` in a thread-local;
    # edge.App keeps it per context already, and the edge's views read it there.
    app.__class__ = own_class
    return _Server(local.server)


def site_server(site_bucket: str, api_port: int, host: str, port: int) -> _Server:
    s3 = boto3.session.Session().client("s3", region_name=REGION)
    pages = page_headers()

    class CloudFront(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib's name
            return

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for key, value in {**SECURITY_HEADERS, **headers}.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _page(self) -> None:
            key = self.path.split("?", 1)[0].lstrip("/")
            if key.endswith("/"):
                key += "index.html"
            wanted = self.headers.get("Range")  # video players seek with ranges, as CloudFront allows
            try:
                obj = s3.get_object(Bucket=site_bucket, Key=key, **({"Range": wanted} if wanted else {}))
            except ClientError as error:
                status = 416 if error.response.get("Error", {}).get("Code") == "InvalidRange" else 404
                self._send(status, b"Not found", {"Content-Type": "text/plain; charset=utf-8"})
                return
            content_type = obj.get("ContentType") or mimetypes.guess_type(key)[0] or "application/octet-stream"
            headers = {"Content-Type": content_type, "Cache-Control": obj.get("CacheControl") or "no-cache", **pages}
            headers["Accept-Ranges"] = "bytes"
            if obj.get("ContentDisposition"):
                headers["Content-Disposition"] = obj["ContentDisposition"]
            if obj.get("ContentRange"):
                headers["Content-Range"] = obj["ContentRange"]
            self._send(206 if obj.get("ContentRange") else 200, obj["Body"].read(), headers)

        def _api(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            connection = http.client.HTTPConnection("127.0.0.1", api_port, timeout=60)
            try:
                connection.request(self.command, self.path.removeprefix("/api"), body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                passed = {k: v for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP}
                self._send(response.status, payload, passed)
            finally:
                connection.close()

        def _outbox(self) -> None:
            from devstack import outbox

            messages = outbox.sent()
            if self.path.startswith("/_outbox.json"):
                body, kind = json.dumps(messages, ensure_ascii=False).encode(), "application/json"
            else:
                body, kind = outbox.page(messages).encode(), "text/html; charset=utf-8"
            self._send(200, body, {"Content-Type": kind, "Cache-Control": "no-store"})

        def _route(self) -> None:
            if self.path.startswith("/api/"):
                self._api()
            elif self.path.startswith("/_outbox") and self.command == "GET":
                self._outbox()
            elif self.path.startswith("/p/") and self.command in ("GET", "HEAD"):
                self._page()
            else:
                self._send(404, b"Not found", {"Content-Type": "text/plain; charset=utf-8"})

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _route

    server = ThreadingHTTPServer((host, port), CloudFront)
    server.daemon_threads = True
    return _Server(server)
