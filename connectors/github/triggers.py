"""GitHub triggers: ``issue_opened`` (webhook, signed) and ``new_issue`` (polling, by ``since``)."""

from __future__ import annotations

from connectors.github.connector import GITHUB
from connectors.github.models import Issue, RepoInput
from connectors.sdk import ActionContext, ActionInput, ActionOutput, PollResult, WebhookRequest
from connectors.sdk.encoding import hmac_sha256_hex, signatures_match

__all__ = ["IssueEvent", "IssueHookConfig", "new_issue", "parse_issue_opened", "verify_signature"]


class IssueHookConfig(ActionInput):
    owner: str
    repo: str


class IssueEvent(ActionOutput):
    action: str
    issue: Issue


def verify_signature(request: WebhookRequest, secret: str) -> bool:
    """``X-Hub-Signature-256: sha256=<hex HMAC of the raw body>`` (GitHub's webhook signature)."""
    given = request.headers.get("x-hub-signature-256", "")
    expected = "sha256=" + hmac_sha256_hex(secret, request.body)
    return bool(given) and signatures_match(expected, given)


def parse_issue_opened(request: WebhookRequest) -> list[dict[str, object]]:
    """Only ``issues`` events with ``action: opened`` start a run."""
    body = request.json_body()
    if request.headers.get("x-github-event") != "issues" or body.get("action") != "opened":
        return []
    return [body]


GITHUB.webhook_trigger(
    "issue_opened",
    version=1,
    config=IssueHookConfig,
    event=IssueEvent,
    verify=verify_signature,
    parse=parse_issue_opened,
    description="Starts a run when an issue is opened (repository webhook, signed).",
)


@GITHUB.polling_trigger("new_issue", version=1, event=Issue)
def new_issue(config: RepoInput, ctx: ActionContext, cursor: str | None) -> PollResult:
    """New or updated issues since the last poll (the cursor is the newest ``updated_at`` seen)."""
    query: dict[str, str | int] = {"state": "all", "sort": "updated", "direction": "asc", "per_page": 100}
    if cursor:
        query["since"] = cursor
    items = ctx.http.get(f"/repos/{config.owner}/{config.repo}/issues", params=query).json()
    events = [item for item in items if "pull_request" not in item and item["updated_at"] != cursor]
    newest = max((item["updated_at"] for item in items), default=cursor)
    return PollResult(events=events, cursor=newest)
