"""A small toolkit for fake provider servers.

:class:`FakeServer` is a real threaded HTTP server on ``127.0.0.1:0`` (werkzeug), so connector
tests go through the same httpx transport, sockets, headers and encodings as production. Routes
use werkzeug rule syntax (``/repos/<owner>/<repo>/issues``); every request is recorded; scripted
failures (``fail_next``) answer before the routes, e.g. a 429 with ``Retry-After``.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

__all__ = ["FakeServer", "RecordedRequest", "json_response"]

logging.getLogger("werkzeug").setLevel(logging.ERROR)

Handler = Callable[..., Response]


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response."""
    return Response(json.dumps(data), status=status, headers=headers or {}, content_type="application/json")


@dataclass
class RecordedRequest:
    """One request the fake received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    form: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class _Failure:
    status: int
    body: Any
    headers: dict[str, str]
    path: str | None


class FakeServer:
    """A provider fake; subclasses (or tests) add routes with :meth:`route`."""

    def __init__(self) -> None:
        self._rules = Map()
        self._handlers: dict[str, Handler] = {}
        self._failures: deque[_Failure] = deque()
        self._lock = threading.Lock()
        self.requests: list[RecordedRequest] = []
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def route(self, method: str, rule: str) -> Callable[[Handler], Handler]:
        """Register ``handler(request, **rule_args) -> Response`` for ``method rule``."""

        def register(handler: Handler) -> Handler:
            endpoint = f"{method} {rule}"
            self._rules.add(Rule(rule, methods=[method], endpoint=endpoint))
            self._handlers[endpoint] = handler
            return handler

        return register

    def fail_next(
        self,
        status: int,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        times: int = 1,
        path: str | None = None,
    ) -> None:
        """Answer the next ``times`` requests (to ``path``, if given) with this failure."""
        for _ in range(times):
            self._failures.append(_Failure(status, body, headers or {}, path))

    def _take_failure(self, path: str) -> _Failure | None:
        with self._lock:
            for failure in self._failures:
                if failure.path in (None, path):
                    self._failures.remove(failure)
                    return failure
        return None

    def _record(self, request: Request) -> RecordedRequest:
        body = request.get_data(cache=True)
        recorded = RecordedRequest(
            method=request.method,
            path=request.path,
            query={key: request.args.getlist(key) for key in request.args},
            headers={key.lower(): value for key, value in request.headers.items()},
            body=body,
            form=dict(request.form.items()),
            files={key: storage.read() for key, storage in request.files.items()},
        )
        for storage in request.files.values():
            storage.stream.seek(0)
        with self._lock:
            self.requests.append(recorded)
        return recorded

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        self._record(request)
        failure = self._take_failure(request.path)
        if failure is not None:
            response = (
                json_response(failure.body, failure.status, failure.headers)
                if not isinstance(failure.body, str | None)
                else Response(failure.body or "", status=failure.status, headers=failure.headers)
            )
            return response(environ, start_response)
        try:
            endpoint, args = self._rules.bind_to_environ(environ).match()
            response = self._handlers[str(endpoint)](request, **args)
        except HTTPException as exc:
            response = json_response({"message": exc.description}, exc.code or 500)
        return response(environ, start_response)
