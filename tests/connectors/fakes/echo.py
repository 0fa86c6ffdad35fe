"""A generic HTTP API for the HTTP connector: echo, three pagination styles, auth-protected routes."""

from __future__ import annotations

import base64

from werkzeug.wrappers import Request, Response

from fakes.server import FakeServer, json_response

__all__ = ["FakeHttpApi"]

ITEMS = [{"id": n} for n in range(1, 8)]


class FakeHttpApi(FakeServer):
    """Echoes requests and serves paginated lists the way common APIs do."""

    def __init__(self) -> None:
        super().__init__()
        self.route("POST", "/echo")(self._echo)
        self.route("PUT", "/echo")(self._echo)
        self.route("GET", "/echo")(self._echo)
        self.route("DELETE", "/echo")(self._echo)
        self.route("GET", "/pages")(self._pages)
        self.route("GET", "/cursor")(self._cursor)
        self.route("GET", "/linked")(self._linked)
        self.route("GET", "/basic")(self._basic)
        self.route("GET", "/text")(lambda request: Response("plain words", content_type="text/plain"))
        self.route("POST", "/graphql")(self._graphql)

    def _echo(self, request: Request) -> Response:
        return json_response(
            {
                "method": request.method,
                "query": {k: request.args.getlist(k) for k in request.args},
                "headers": {k.lower(): v for k, v in request.headers.items()},
                "json": request.get_json(silent=True),
                "form": dict(request.form.items()),
                "files": {
                    k: [f.filename, f.read().decode(), f.content_type] for k, f in request.files.items()
                },
                "text": request.get_data(as_text=True) if request.mimetype == "text/plain" else None,
            }
        )

    def _pages(self, request: Request) -> Response:
        page = int(request.args.get("page", 1))
        return json_response({"results": ITEMS[(page - 1) * 3 : page * 3]})

    def _cursor(self, request: Request) -> Response:
        start = int(request.args.get("after", 0))
        nxt = start + 3 if start + 3 < len(ITEMS) else None
        return json_response({"data": ITEMS[start : start + 3], "meta": {"next": nxt}})

    def _linked(self, request: Request) -> Response:
        page = int(request.args.get("p", 1))
        headers = {"Link": f'<{self.url}/linked?p={page + 1}>; rel="next"'} if page * 3 < len(ITEMS) else {}
        return json_response(ITEMS[(page - 1) * 3 : page * 3], headers=headers)

    def _basic(self, request: Request) -> Response:
        expected = "Basic " + base64.b64encode(b"ada:lovelace-pw").decode()
        if request.headers.get("Authorization") != expected:
            return json_response({"error": "unauthorized"}, 401, {"WWW-Authenticate": 'Basic realm="api"'})
        return json_response({"user": "ada"})

    def _graphql(self, request: Request) -> Response:
        document = request.get_json() or {}
        if "viewer" not in document.get("query", ""):
            return json_response({"errors": [{"message": "Cannot query field 'nope' on type 'Query'."}]})
        return json_response({"data": {"viewer": {"login": "ada", "vars": document.get("variables")}}})
