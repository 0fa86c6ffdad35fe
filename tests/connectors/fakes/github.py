"""A fake GitHub REST API: bearer tokens, Link pagination, ``{"message"}`` errors, 422 validation, rate limits."""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from fakes.server import FakeServer, json_response

__all__ = ["VALID_TOKEN", "FakeGitHub"]

VALID_TOKEN = "ghp_fakeFAKEfake0123456789abcdefABCDEF"
_DOCS = "https://docs.github.com/rest"


class FakeGitHub(FakeServer):
    """GitHub's issue endpoints for one repository ``octo/hello``."""

    def __init__(self) -> None:
        super().__init__()
        self.issues: list[dict[str, Any]] = []
        self.comments: list[dict[str, Any]] = []
        self._ids = itertools.count(1000)
        self.route("POST", "/repos/<owner>/<repo>/issues")(self._create)
        self.route("GET", "/repos/<owner>/<repo>/issues")(self._list)
        self.route("GET", "/repos/<owner>/<repo>/issues/<int:number>")(self._get)
        self.route("POST", "/repos/<owner>/<repo>/issues/<int:number>/comments")(self._comment)

    def add_issue(
        self, title: str, *, updated_at: str = "2026-11-01T00:00:00Z", pull: bool = False
    ) -> dict[str, Any]:
        number = len(self.issues) + 1
        issue: dict[str, Any] = {
            "id": next(self._ids),
            "number": number,
            "title": title,
            "state": "open",
            "body": None,
            "html_url": f"https://github.com/octo/hello/issues/{number}",
            "user": {"login": "octocat", "id": 1},
            "labels": [],
            "created_at": updated_at,
            "updated_at": updated_at,
            "node_id": "I_kw",
        }
        if pull:
            issue["pull_request"] = {"url": "https://api.github.com/repos/octo/hello/pulls/1"}
        self.issues.append(issue)
        return issue

    def _denied(self, request: Request, owner: str, repo: str) -> Response | None:
        if request.headers.get("Authorization") != f"Bearer {VALID_TOKEN}":
            return json_response(
                {"message": "Bad credentials", "documentation_url": _DOCS, "status": "401"}, 401
            )
        if (owner, repo) != ("octo", "hello"):
            return json_response({"message": "Not Found", "documentation_url": _DOCS, "status": "404"}, 404)
        return None

    def _create(self, request: Request, owner: str, repo: str) -> Response:
        if (denied := self._denied(request, owner, repo)) is not None:
            return denied
        body = request.get_json(silent=True) or {}
        if not str(body.get("title", "")).strip():
            return json_response(
                {
                    "message": "Validation Failed",
                    "errors": [{"resource": "Issue", "code": "missing_field", "field": "title"}],
                    "documentation_url": _DOCS,
                },
                422,
            )
        issue = self.add_issue(body["title"])
        issue["body"] = body.get("body")
        issue["labels"] = [{"name": name, "id": 1} for name in body.get("labels", [])]
        return json_response(issue, 201)

    def _get(self, request: Request, owner: str, repo: str, number: int) -> Response:
        if (denied := self._denied(request, owner, repo)) is not None:
            return denied
        if not 1 <= number <= len(self.issues):
            return json_response({"message": "Not Found", "documentation_url": _DOCS, "status": "404"}, 404)
        return json_response(self.issues[number - 1])

    def _list(self, request: Request, owner: str, repo: str) -> Response:
        if (denied := self._denied(request, owner, repo)) is not None:
            return denied
        per_page = int(request.args.get("per_page", 30))
        page = int(request.args.get("page", 1))
        since = request.args.get("since")
        state = request.args.get("state", "open")
        items = [i for i in self.issues if (state == "all" or i["state"] == state)]
        if since:
            items = [i for i in items if i["updated_at"] >= since]
        if request.args.get("sort") == "updated":
            items.sort(key=lambda i: i["updated_at"], reverse=request.args.get("direction", "desc") == "desc")
        chunk = items[(page - 1) * per_page : page * per_page]
        headers = {}
        if page * per_page < len(items):
            query = {k: v for k, v in request.args.items() if k != "page"} | {"page": page + 1}
            headers["Link"] = f'<{self.url}{request.path}?{urlencode(query)}>; rel="next"'
        return json_response(chunk, headers=headers)

    def _comment(self, request: Request, owner: str, repo: str, number: int) -> Response:
        if (denied := self._denied(request, owner, repo)) is not None:
            return denied
        if not 1 <= number <= len(self.issues):
            return json_response({"message": "Not Found", "documentation_url": _DOCS}, 404)
        comment = {
            "id": next(self._ids),
            "body": (request.get_json(silent=True) or {}).get("body", ""),
            "html_url": f"https://github.com/octo/hello/issues/{number}#issuecomment-1",
            "user": {"login": "octocat", "id": 1},
            "created_at": "2026-11-21T00:00:00Z",
        }
        self.comments.append(comment)
        return json_response(comment, 201)
