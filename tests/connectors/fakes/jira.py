"""A fake Jira Cloud REST API v3: Basic auth (email + API token), ADF bodies, enhanced JQL search
with ``nextPageToken``, workflow transitions and Jira's ``{"errorMessages", "errors"}`` bodies."""

from __future__ import annotations

import base64
import itertools
import re
from typing import Any

from werkzeug.wrappers import Request, Response

from fakes.server import FakeServer, json_response

__all__ = ["API_TOKEN", "EMAIL", "FakeJira", "jira_error"]

EMAIL = "ada@example.com"
API_TOKEN = "ATATT3xFfGF0FakeJiraApiToken0123456789"

_STATUSES = {"To Do": "new", "In Progress": "indeterminate", "Done": "done"}
_TRANSITIONS = [
    {"id": "11", "name": "To Do", "to": "To Do"},
    {"id": "21", "name": "Start progress", "to": "In Progress"},
    {"id": "31", "name": "Resolve", "to": "Done"},
]
_CLAUSE = re.compile(r"""^\s*(\w+)\s*=\s*("([^"]*)"|'([^']*)'|([\w-]+))\s*$""")


def jira_error(
    status: int, messages: list[str] | None = None, errors: dict[str, str] | None = None
) -> Response:
    """Jira's error body."""
    return json_response({"errorMessages": messages or [], "errors": errors or {}}, status)


class FakeJira(FakeServer):
    """One Jira site with projects ``OPS`` and ``WEB``."""

    projects = ("OPS", "WEB")

    def __init__(self) -> None:
        super().__init__()
        self.issues: dict[str, dict[str, Any]] = {}
        self.comments: dict[str, list[dict[str, Any]]] = {}
        self.send_is_last = True
        """False: pages leave out ``isLast`` (Atlassian has shipped both shapes)."""
        self._ids = itertools.count(10001)
        self._numbers: dict[str, itertools.count[int]] = {key: itertools.count(1) for key in self.projects}
        self.route("POST", "/rest/api/3/issue")(self._create)
        self.route("GET", "/rest/api/3/issue/<key>")(self._get)
        self.route("POST", "/rest/api/3/search/jql")(self._search)
        self.route("POST", "/rest/api/3/issue/<key>/comment")(self._comment)
        self.route("GET", "/rest/api/3/issue/<key>/transitions")(self._transitions)
        self.route("POST", "/rest/api/3/issue/<key>/transitions")(self._transition)

    # -- helpers -----------------------------------------------------------------------------

    def _denied(self, request: Request) -> Response | None:
        expected = "Basic " + base64.b64encode(f"{EMAIL}:{API_TOKEN}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            # Jira Cloud answers a bad email/token pair with a plain-text 401.
            return Response(
                "Client must be authenticated to access this resource.", status=401, content_type="text/plain"
            )
        return None

    def _find(self, key: str) -> dict[str, Any] | None:
        return self.issues.get(key) or next((i for i in self.issues.values() if i["id"] == key), None)

    def _missing(self) -> Response:
        return jira_error(404, ["Issue does not exist or you do not have permission to see it."])

    def _view(self, issue: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
        shown = (
            issue["fields"] if fields is None else {k: v for k, v in issue["fields"].items() if k in fields}
        )
        return {"id": issue["id"], "key": issue["key"], "self": issue["self"], "fields": shown}

    def add_issue(
        self, project: str, summary: str, *, status: str = "To Do", **fields: Any
    ) -> dict[str, Any]:
        """Seed an issue (as if created in the browser)."""
        issue_id = str(next(self._ids))
        key = f"{project}-{next(self._numbers[project])}"
        issue = {
            "id": issue_id,
            "key": key,
            "self": f"{self.url}/rest/api/3/issue/{issue_id}",
            "fields": {
                "summary": summary,
                "project": {"key": project, "name": project.title()},
                "issuetype": {"name": fields.pop("issuetype", "Task")},
                "status": {"name": status, "statusCategory": {"key": _STATUSES[status]}},
                "priority": {"name": "Medium"},
                "assignee": None,
                "reporter": {"accountId": "5b10a2844c20165700ede21g", "displayName": "Ada"},
                "labels": [],
                "description": None,
                "created": "2026-11-20T10:00:00.000+0000",
                "updated": "2026-11-20T10:00:00.000+0000",
                **fields,
            },
        }
        self.issues[key] = issue
        return issue

    # -- endpoints ---------------------------------------------------------------------------

    def _create(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        fields = dict((request.get_json(silent=True) or {}).get("fields") or {})
        errors: dict[str, str] = {}
        project = (fields.pop("project", None) or {}).get("key")
        if project not in self.projects:
            errors["project"] = "valid project is required"
        if not fields.get("summary"):
            errors["summary"] = "You must specify a summary of the issue."
        description = fields.get("description")
        if description is not None and not (
            isinstance(description, dict) and description.get("type") == "doc"
        ):
            errors["description"] = (
                "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
            )
        issuetype = (fields.pop("issuetype", None) or {}).get("name")
        if issuetype not in {"Task", "Bug", "Story"}:
            errors["issuetype"] = "Specify a valid issue type"
        if errors:
            return jira_error(400, [], errors)
        issue = self.add_issue(str(project), fields.pop("summary"), issuetype=issuetype, **fields)
        return json_response({"id": issue["id"], "key": issue["key"], "self": issue["self"]}, 201)

    def _get(self, request: Request, key: str) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        issue = self._find(key)
        if issue is None:
            return self._missing()
        fields = request.args.get("fields")
        return json_response(self._view(issue, fields.split(",") if fields else None))

    def _matches(self, issue: dict[str, Any], clauses: list[tuple[str, str]]) -> bool:
        fields = issue["fields"]
        for name, value in clauses:
            actual = {
                "project": fields["project"]["key"],
                "status": fields["status"]["name"],
                "labels": " ".join(fields["labels"]),
            }[name]
            if (value not in actual.split()) if name == "labels" else actual.casefold() != value.casefold():
                return False
        return True

    def _search(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        body = request.get_json(silent=True) or {}
        jql = str(body.get("jql", ""))
        where = re.split(r"(?i)\border\s+by\b", jql)[0].strip()
        if not where:
            return jira_error(
                400,
                [
                    "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
                ],
            )
        clauses: list[tuple[str, str]] = []
        for part in re.split(r"(?i)\s+and\s+", where):
            found = _CLAUSE.match(part)
            if not found or found.group(1).lower() not in {"project", "status", "labels"}:
                return jira_error(400, [f"Error in the JQL Query: could not parse '{part.strip()}'."])
            clauses.append((found.group(1).lower(), next(g for g in found.groups()[2:] if g is not None)))
        matching = [i for i in self.issues.values() if self._matches(i, clauses)]
        start = int(body.get("nextPageToken") or 0)
        size = min(int(body.get("maxResults", 50)), 100)
        fields = body.get("fields")
        page = {
            "issues": [self._view(i, fields) for i in matching[start : start + size]],
            "isLast": start + size >= len(matching),
        }
        if not page["isLast"]:
            page["nextPageToken"] = str(start + size)  # opaque to clients
        if not self.send_is_last:
            del page["isLast"]
        return json_response(page)

    def _comment(self, request: Request, key: str) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        issue = self._find(key)
        if issue is None:
            return self._missing()
        body = (request.get_json(silent=True) or {}).get("body")
        if not (isinstance(body, dict) and body.get("type") == "doc" and body.get("version") == 1):
            return jira_error(400, [], {"comment": "Comment body can not be empty!"})
        comment_id = str(next(self._ids))
        comment = {
            "id": comment_id,
            "self": f"{issue['self']}/comment/{comment_id}",
            "author": {"accountId": "5b10a2844c20165700ede21g", "displayName": "Ada"},
            "body": body,
            "created": "2026-11-21T09:00:00.000+0000",
            "updated": "2026-11-21T09:00:00.000+0000",
        }
        self.comments.setdefault(issue["key"], []).append(comment)
        return json_response(comment, 201)

    def _available(self, issue: dict[str, Any]) -> list[dict[str, Any]]:
        current = issue["fields"]["status"]["name"]
        return [
            {
                "id": t["id"],
                "name": t["name"],
                "to": {"name": t["to"], "statusCategory": {"key": _STATUSES[t["to"]]}},
            }
            for t in _TRANSITIONS
            if t["to"] != current
        ]

    def _transitions(self, request: Request, key: str) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        issue = self._find(key)
        if issue is None:
            return self._missing()
        return json_response({"expand": "transitions", "transitions": self._available(issue)})

    def _transition(self, request: Request, key: str) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        issue = self._find(key)
        if issue is None:
            return self._missing()
        body = request.get_json(silent=True) or {}
        wanted = str((body.get("transition") or {}).get("id", ""))
        chosen = next((t for t in self._available(issue) if t["id"] == wanted), None)
        if chosen is None:
            return jira_error(400, [f"Transition id '{wanted}' is not valid for this issue."])
        target = chosen["to"]["name"]
        issue["fields"]["status"] = {"name": target, "statusCategory": {"key": _STATUSES[target]}}
        resolution = (body.get("fields") or {}).get("resolution")
        if resolution:
            issue["fields"]["resolution"] = resolution
        for update in (body.get("update") or {}).get("comment", []):
            self.comments.setdefault(issue["key"], []).append({"body": update["add"]["body"]})
        return Response(status=204)
