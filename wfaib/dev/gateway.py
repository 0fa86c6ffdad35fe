"""The local stand-in for API Gateway and CloudFront: one HTTP port for the API and the editor.

``/api/...`` becomes an API Gateway REST (v1) proxy event for stage ``api`` and goes to the same
``lambda_handler`` that runs in AWS; the proxy response comes back as HTTP. Everything else is a
static file of the editor (``web/dist``) or, when the editor is not built, the placeholder page.

The stdlib server is enough for one developer on loopback and needs no extra dependency. Calls
into the handler are serialised, as one Lambda container serves one request at a time (the
Powertools resolver keeps the current event on itself).
"""

from __future__ import annotations

import base64
import mimetypes
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["API_STAGE", "Gateway", "LocalLambdaContext", "proxy_event"]

API_STAGE = "api"
LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass
class LocalLambdaContext:
    """The parts of Lambda's context object that Powertools reads."""

    function_name: str = "wfaib-local-api"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:wfaib-local-api"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/wfaib-local-api"
    log_stream_name: str = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def proxy_event(
    method: str, raw_path: str, headers: dict[str, str], body: bytes, source_ip: str = "127.0.0.1"
) -> dict[str, Any]:
    """The API Gateway REST proxy event for a request to ``/<stage>/<path>``.

    Example:
        >>> event = proxy_event("GET", "/api/workflows?limit=2", {"Host": "x"}, b"")
        >>> event["path"], event["queryStringParameters"], event["requestContext"]["stage"]
        ('/workflows', {'limit': '2'}, 'api')
    """
    parts = urlsplit(raw_path)
    path = unquote(parts.path).removeprefix(f"/{API_STAGE}") or "/"
    query = parse_qs(parts.query, keep_blank_values=True)
    text: str | None = None
    encoded = False
    if body:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text, encoded = base64.b64encode(body).decode(), True
    request_id = str(uuid.uuid4())
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": {name: values[-1] for name, values in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": f"/{API_STAGE}{path}",
            "stage": API_STAGE,
            "requestId": request_id,
            "extendedRequestId": request_id,
            "accountId": "123456789012",
            "apiId": "local",
            "protocol": "HTTP/1.1",
            "requestTimeEpoch": int(time.time() * 1000),
            "domainName": headers.get("Host", "localhost"),
            "identity": {"sourceIp": source_ip, "userAgent": headers.get("User-Agent", "")},
        },
        "body": text,
        "isBase64Encoded": encoded,
    }


class _RequestHandler(BaseHTTPRequestHandler):
    gateway: ClassVar[Gateway]
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave in separate writes; see sfn_local/server.py

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_OPTIONS(self) -> None:
        self._dispatch()

    def do_TRACE(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path == f"/{API_STAGE}" or self.path.startswith(f"/{API_STAGE}/"):
            headers = dict(self.headers.items())
            status, response_headers, payload = self.gateway.invoke(
                proxy_event(self.command, self.path, headers, body, self.client_address[0])
            )
        elif self.command in {"GET", "HEAD"}:
            status, response_headers, payload = self.gateway.static(urlsplit(self.path).path)
        else:
            status, response_headers, payload = (
                405,
                [("Allow", "GET, HEAD")],
                b"The editor's files are read-only.",
            )
        self.send_response(status)
        for name, value in response_headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD" and status not in {204, 304}:
            self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the platform prints what matters."""


class Gateway:
    """Serves the API handler under ``/api`` (and other functions under their routes), the static site elsewhere."""

    def __init__(
        self,
        handler: LambdaHandler,
        static_root: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 8080,
        after_request: Callable[[str, str], None] | None = None,
        routes: Mapping[str, LambdaHandler] | None = None,
        instances: Mapping[str, int] | None = None,
    ) -> None:
        self._handler = handler
        self._routes = dict(routes or {})
        self._static_root = static_root.resolve()
        self._after_request = after_request
        # As many requests at once per function as it has instances (Lambda's concurrent
        # containers; one unless ``instances`` names the route's prefix): a function with one
        # instance serves one request at a time, and a webhook waiting for its run
        # (``response_mode: last_node``) holds up neither the API nor other deliveries.
        counts = dict(instances or {})
        self._locks = {id(handler): threading.BoundedSemaphore(1)} | {
            id(function): threading.BoundedSemaphore(counts.get(prefix, 1))
            for prefix, function in self._routes.items()
        }
        request_handler = type("GatewayRequestHandler", (_RequestHandler,), {"gateway": self})
        self._httpd = ThreadingHTTPServer((host, port), request_handler)
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def invoke(self, event: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
        """Run the handler on ``event`` as Lambda would; the HTTP status, headers and body.

        ``routes`` send path prefixes to other functions (``/hooks/`` to the webhook function), as
        API Gateway resources do.
        """
        handler = next(
            (routed for prefix, routed in self._routes.items() if str(event["path"]).startswith(prefix)),
            self._handler,
        )
        with self._locks[id(handler)]:
            response = handler(event, LocalLambdaContext())
        if self._after_request is not None:
            self._after_request(event["httpMethod"], str(event["path"]))
        headers: list[tuple[str, str]] = []
        for name, values in (response.get("multiValueHeaders") or {}).items():
            headers.extend((name, str(value)) for value in values)
        seen = {name.lower() for name, _ in headers}
        headers.extend(
            (name, str(value))
            for name, value in (response.get("headers") or {}).items()
            if name.lower() not in seen
        )
        raw = response.get("body") or ""
        payload = base64.b64decode(raw) if response.get("isBase64Encoded") else str(raw).encode()
        return int(response.get("statusCode", 502)), headers, payload

    def static(self, path: str) -> tuple[int, list[tuple[str, str]], bytes]:
        """A file under the static root; unknown paths get ``index.html`` (the editor routes itself)."""
        candidate = (self._static_root / unquote(path).lstrip("/")).resolve()
        if not candidate.is_relative_to(self._static_root) or not candidate.is_file():
            candidate = self._static_root / "index.html"
        if not candidate.is_file():
            return 404, [("Content-Type", "text/plain")], b"Not found"
        content_type = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
        return 200, [("Content-Type", content_type), ("Cache-Control", "no-cache")], candidate.read_bytes()

    def start(self) -> Gateway:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="wfaib-gateway", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()
