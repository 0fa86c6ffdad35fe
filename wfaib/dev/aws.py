"""moto's AWS API emulation on a server that keeps connections open.

moto's ``ThreadedMotoServer`` runs on werkzeug's development server, which answers every request
with ``Connection: close``: each AWS call of the platform then paid a new TCP connection and a
new server thread, the larger part of a webhook delivery's time. This is the same moto
application and the same request handler (moto's, for its header handling), with the response
buffered and sent with its ``Content-Length`` so the client's connection pool reuses the
connection. Hand-written (a few lines over werkzeug) because no keep-alive WSGI server is among
the dependencies.

Example:
    >>> server = MotoServer().start()  # doctest: +SKIP
    >>> server.endpoint  # doctest: +SKIP
    'http://127.0.0.1:41234'
"""

from __future__ import annotations

import io
import threading
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import BaseWSGIServer, make_server

__all__ = ["MotoServer"]

_HOP_BY_HOP = {"connection", "content-length", "transfer-encoding", "keep-alive"}


class _KeepAliveHandler(MotoRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave in separate writes; see sfn_local/server.py

    def run_wsgi(self) -> None:
        environ = self.make_environ()
        if environ.get("HTTP_EXPECT", "").lower().strip() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        # Read the whole body first, so nothing of it is left on the connection for the next request.
        if environ.get("wsgi.input_terminated"):
            body = environ["wsgi.input"].read()
        else:
            body = self.rfile.read(int(environ.get("CONTENT_LENGTH") or 0))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ.pop("wsgi.input_terminated", None)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        started: list[tuple[str, list[tuple[str, str]]]] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started[:] = [(status, headers)]
            return lambda data: None  # the legacy write() callable; moto returns its body instead

        result = self.server.app(environ, start_response)
        try:
            payload = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = started[0]
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        for name, value in headers:
            if name.lower() not in _HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD" and int(code) not in {204, 304}:
            self.wfile.write(payload)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Quiet: one line per AWS call would drown what the platform prints."""


class MotoServer:
    """moto's AWS APIs on ``host:port`` (``0``: a free port) in a background thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server: BaseWSGIServer = make_server(
            host,
            port,
            DomainDispatcherApplication(create_backend_app),
            threaded=True,
            request_handler=_KeepAliveHandler,
        )
        self._thread: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> MotoServer:
        self._thread = threading.Thread(target=self._server.serve_forever, name="wfaib-moto", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()
