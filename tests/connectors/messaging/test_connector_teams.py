"""Microsoft Teams connector against a fake Graph API and fake webhooks (real HTTP on loopback)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from fakes.teams import ACCESS_TOKEN, CHANNEL_ID, INCOMING_SIG, TEAM_ID, WORKFLOW_SIG, FakeTeams, graph_error

from connectors.sdk import (
    AuthError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    UpstreamUnavailableError,
)
from connectors.sdk.testing import ConnectorTester
from connectors.teams import connector

CARD = {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "Build **green**", "wrap": True}]}


@pytest.fixture
def teams() -> Iterator[FakeTeams]:
    with FakeTeams() as server:
        yield server


@pytest.fixture
def graph(teams: FakeTeams) -> ConnectorTester:
    return ConnectorTester(connector, credential={"access_token": ACCESS_TOKEN}, base_url=teams.graph_url)


def hook(url: str) -> ConnectorTester:
    return ConnectorTester(connector, credential={"webhook_url": url})


def test_send_channel_message_and_reply_through_graph(teams: FakeTeams, graph: ConnectorTester) -> None:
    params = {"team_id": TEAM_ID, "channel_id": CHANNEL_ID, "content": "<b>Deployed</b>", "subject": "v1.2"}
    posted = graph.run("send_channel_message", params)
    request = teams.requests[-1]
    assert request.path == f"/v1.0/teams/{TEAM_ID}/channels/{CHANNEL_ID}/messages"
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert request.json() == {
        "body": {"contentType": "html", "content": "<b>Deployed</b>"},
        "importance": "normal",
        "subject": "v1.2",
    }
    assert uuid.UUID(request.headers["client-request-id"]).version == 5
    reply = graph.run(
        "send_channel_message",
        {
            "team_id": TEAM_ID,
            "channel_id": CHANNEL_ID,
            "content": "details",
            "reply_to_message_id": posted["id"],
        },
    )
    assert reply["replyToId"] == posted["id"]
    assert teams.requests[-1].path.endswith(f"/messages/{posted['id']}/replies")


def test_list_channels_follows_odata_next_links(teams: FakeTeams, graph: ConnectorTester) -> None:
    out = graph.run("list_channels", {"team_id": TEAM_ID})
    assert [c["id"] for c in out["channels"]] == [c["id"] for c in teams.channels]
    assert [r.query.get("$skiptoken") for r in teams.requests] == [None, ["2"], ["4"]]
    private = graph.run("list_channels", {"team_id": TEAM_ID, "filter": "membershipType eq 'private'"})
    assert [c["membershipType"] for c in private["channels"]] == ["private"]


def test_message_card_to_an_incoming_webhook(teams: FakeTeams) -> None:
    out = hook(teams.incoming_webhook_url()).run(
        "post_message_card",
        {
            "title": "Disk almost full",
            "text": "**db-1** is at 91%",
            "theme_color": "#D70000",
            "facts": [{"name": "Host", "value": "db-1"}],
            "buttons": [{"name": "Open runbook", "url": "https://runbooks.example.com/disk"}],
        },
    )
    assert out == {"delivered": True, "status_code": 200}
    assert teams.webhook_posts[-1] == {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": "Disk almost full",
        "text": "**db-1** is at 91%",
        "title": "Disk almost full",
        "themeColor": "D70000",
        "sections": [{"facts": [{"name": "Host", "value": "db-1"}]}],
        "potentialAction": [
            {
                "@type": "OpenUri",
                "name": "Open runbook",
                "targets": [{"os": "default", "uri": "https://runbooks.example.com/disk"}],
            }
        ],
    }
    assert "authorization" not in teams.requests[-1].headers


def test_adaptive_card_to_a_workflows_webhook(teams: FakeTeams) -> None:
    out = hook(teams.workflow_url()).run("post_adaptive_card", {"card": CARD})
    assert out == {"delivered": True, "status_code": 202}
    attachment = teams.webhook_posts[-1]["attachments"][0]
    assert teams.webhook_posts[-1]["type"] == "message"
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert attachment["content"]["body"] == CARD["body"] and attachment["content"]["version"] == "1.4"
    assert teams.requests[-1].query["sig"] == [WORKFLOW_SIG]


def test_wrong_graph_token_is_auth_error_without_the_token(
    teams: FakeTeams, logs_without: Callable[..., str]
) -> None:
    wrong = ConnectorTester(
        connector, credential={"access_token": "graph-token-wrong"}, base_url=teams.graph_url
    )
    with pytest.raises(AuthError, match="InvalidAuthenticationToken") as caught:
        wrong.run("list_channels", {"team_id": TEAM_ID})
    assert "graph-token-wrong" not in str(caught.value)
    logs_without("graph-token-wrong")


def test_wrong_webhook_signature_is_auth_error_without_the_url(
    teams: FakeTeams, logs_without: Callable[..., str]
) -> None:
    url = teams.workflow_url(sig="forged-signature-value")
    with pytest.raises(AuthError, match="DirectApiInvalidAuthorizationSignature") as caught:
        hook(url).run("post_adaptive_card", {"card": CARD})
    assert "forged-signature-value" not in str(caught.value)
    logs_without("forged-signature-value", url)
    with pytest.raises(InvalidInputError, match="Invalid webhook URL") as bad:
        hook(teams.incoming_webhook_url(sig="forged-incoming-sig")).run("post_message_card", {"text": "x"})
    assert "forged-incoming-sig" not in str(bad.value) and INCOMING_SIG not in str(bad.value)


def test_unknown_team_is_not_found(graph: ConnectorTester) -> None:
    with pytest.raises(NotFoundError, match="No team found"):
        graph.run("send_channel_message", {"team_id": "nope", "channel_id": CHANNEL_ID, "content": "x"})


def test_graph_rate_limit_honours_retry_after(teams: FakeTeams, graph: ConnectorTester) -> None:
    teams.fail_next(429, graph_error("TooManyRequests", "Too many requests"), headers={"Retry-After": "4"})
    assert len(graph.run("list_channels", {"team_id": TEAM_ID})["channels"]) == 5
    assert graph.sleeps == [4.0]
    teams.fail_next(429, graph_error("TooManyRequests", "Too many requests"), headers={"Retry-After": "120"})
    with pytest.raises(RateLimitedError, match="TooManyRequests") as caught:
        graph.run("send_channel_message", {"team_id": TEAM_ID, "channel_id": CHANNEL_ID, "content": "x"})
    assert caught.value.retry_after == 120.0


def test_incoming_webhook_throttling_reported_with_http_200_is_a_rate_limit(teams: FakeTeams) -> None:
    teams.throttle_incoming = True
    with pytest.raises(RateLimitedError, match="HTTP error 429"):
        hook(teams.incoming_webhook_url()).run("post_message_card", {"text": "x"})
    assert teams.webhook_posts == []


def test_server_errors_are_retryable_and_posts_are_not_replayed(
    teams: FakeTeams, graph: ConnectorTester
) -> None:
    teams.fail_next(503, graph_error("ServiceNotAvailable", "Service unavailable"), times=3)
    with pytest.raises(UpstreamUnavailableError, match="ServiceNotAvailable"):
        graph.run("list_channels", {"team_id": TEAM_ID})
    assert len(teams.requests) == 3
    teams.requests.clear()
    teams.fail_next(502, "Bad Gateway")
    with pytest.raises(UpstreamUnavailableError, match="HTTP 502"):
        hook(teams.workflow_url()).run("post_adaptive_card", {"card": CARD})
    assert len(teams.requests) == 1


def test_invalid_input_locally_and_from_the_providers(teams: FakeTeams, graph: ConnectorTester) -> None:
    with pytest.raises(InvalidInputError, match=r"params\.card.*AdaptiveCard"):
        hook(teams.workflow_url()).run("post_adaptive_card", {"card": {"type": "MessageCard"}})
    with pytest.raises(InvalidInputError, match=r"params\.content"):
        graph.run("send_channel_message", {"team_id": TEAM_ID, "channel_id": CHANNEL_ID, "content": ""})
    assert teams.requests == []
    with pytest.raises(InvalidInputError, match="Invalid filter clause"):
        graph.run("list_channels", {"team_id": TEAM_ID, "filter": "bogus"})


GRAPH_ACTIONS = {
    "send_channel_message": {"team_id": TEAM_ID, "channel_id": CHANNEL_ID, "content": "x"},
    "list_channels": {"team_id": TEAM_ID},
}
WEBHOOK_ACTIONS = {"post_message_card": {"text": "x"}, "post_adaptive_card": {"card": CARD}}


@pytest.mark.parametrize("action", [*GRAPH_ACTIONS, *WEBHOOK_ACTIONS])
def test_every_action_maps_auth_rate_limit_and_server_errors(teams: FakeTeams, action: str) -> None:
    if action in GRAPH_ACTIONS:
        params = GRAPH_ACTIONS[action]
        good = ConnectorTester(connector, credential={"access_token": ACCESS_TOKEN}, base_url=teams.graph_url)
        wrong = ConnectorTester(connector, credential={"access_token": "forged"}, base_url=teams.graph_url)
    else:
        params = WEBHOOK_ACTIONS[action]
        good, wrong = hook(teams.workflow_url()), hook(teams.workflow_url(sig="forged"))
    with pytest.raises(AuthError):
        wrong.run(action, params)
    teams.fail_next(429, graph_error("TooManyRequests", "Too many requests"), headers={"Retry-After": "75"})
    with pytest.raises(RateLimitedError) as limited:
        good.run(action, params)
    assert limited.value.retry_after == 75.0
    teams.fail_next(500, graph_error("InternalServerError", "Something went wrong"))
    with pytest.raises(UpstreamUnavailableError, match="HTTP 500"):
        good.run(action, params)
