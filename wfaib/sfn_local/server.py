"""A small threaded HTTP server in front of :class:`~wfaib.sfn_local.protocol.SfnProtocol`.

The stdlib ``ThreadingHTTPServer`` is enough for a loopback development endpoint and needs no
extra dependency; the protocol itself is a plain ``handle(target, body)`` function, so the local
platform can mount it in its own server instead. Each request gets a thread: StartSyncExecution
and long polls must not hold up other callers.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import ClassVar, Protocol

from wfaib.sfn_local.protocol import Response

__all__ = ["Handler", "SfnHttpServer"]


class Handler(Protocol):
    """Anything with ``handle(target, body) -> (status, headers, body)``."""

    def handle(self, target: str, body: bytes) -> Response:
        """Serve one API call."""
        ...


class _RequestHandler(BaseHTTPRequestHandler):
    api: ClassVar[Handler]
    protocol_version = "HTTP/1.1"
    # Headers and body leave in separate writes; without TCP_NODELAY each answer waits ~40 ms on
    # Nagle's algorithm and the client's delayed ACK.
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        status, headers, payload = self.api.handle(self.headers.get("X-Amz-Target", ""), body)
        self._send(status, headers, payload)

    def do_GET(self) -> None:
        # A liveness answer for humans and scripts (`curl http://127.0.0.1:8083/`).
        self._send(200, {"Content-Type": "application/json"}, b'{"service": "states", "status": "ok"}')

    def _send(self, status: int, headers: dict[str, str], payload: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the API is chatty and the CLI prints what matters."""


class SfnHttpServer:
    """Serves a handler on ``host:port`` (``port=0`` picks a free port) in a background thread.

    Example:
        >>> with SfnHttpServer(sfn_local, port=0) as server:  # doctest: +SKIP
        ...     boto3.client("stepfunctions", endpoint_url=server.endpoint_url, ...)
    """

    def __init__(self, api: Handler, host: str = "127.0.0.1", port: int = 8083) -> None:
        handler = type("SfnRequestHandler", (_RequestHandler,), {"api": api})
        self._httpd = ThreadingHTTPServer((host, port), handler)
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def endpoint_url(self) -> str:
        """``http://host:port`` of the running server."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> SfnHttpServer:
        """Serve in a daemon thread and return at once."""
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="sfn-local", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted."""
        self._httpd.serve_forever()

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> SfnHttpServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
