"""Discord connector against a fake Discord API v10 (real HTTP on loopback)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fakes.discord import CHANNEL_ID, VALID_TOKEN, WEBHOOK_TOKEN, FakeDiscord

from connectors.discord import connector
from connectors.discord.models import nonce_for
from connectors.sdk import (
    AuthError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    UpstreamUnavailableError,
)
from connectors.sdk.testing import ConnectorTester

RATE_LIMITED = {"message": "You are being rate limited.", "retry_after": 0.75, "global": False}


@pytest.fixture
def discord() -> Iterator[FakeDiscord]:
    with FakeDiscord() as server:
        yield server


@pytest.fixture
def bot(discord: FakeDiscord) -> ConnectorTester:
    return ConnectorTester(connector, credential={"token": VALID_TOKEN}, base_url=discord.api_url)


def test_send_message_as_the_bot_with_a_nonce_from_the_idempotency_key(
    discord: FakeDiscord, bot: ConnectorTester
) -> None:
    out = bot.run(
        "send_message",
        {
            "channel_id": CHANNEL_ID,
            "content": "deploy finished",
            "embeds": [{"title": "v1.2", "color": 5814783}],
        },
    )
    assert out["channel_id"] == CHANNEL_ID and out["content"] == "deploy finished"
    request = discord.requests[-1]
    assert (request.method, request.path) == ("POST", f"/api/v10/channels/{CHANNEL_ID}/messages")
    assert request.headers["authorization"] == f"Bot {VALID_TOKEN}"
    assert request.json() == {
        "content": "deploy finished",
        "embeds": [{"title": "v1.2", "color": 5814783}],
        "nonce": nonce_for("exec-test/node-test"),
        "enforce_nonce": True,
    }


def test_a_retried_send_returns_the_first_message_instead_of_a_duplicate(
    discord: FakeDiscord, bot: ConnectorTester
) -> None:
    first = bot.run("send_message", {"channel_id": CHANNEL_ID, "content": "once"})
    again = bot.run("send_message", {"channel_id": CHANNEL_ID, "content": "once"})
    other_node = bot.run("send_message", {"channel_id": CHANNEL_ID, "content": "once"}, node_id="node-2")
    assert again["id"] == first["id"]
    assert other_node["id"] != first["id"]
    assert len(discord.messages) == 2


def test_reply_edit_react_and_delete(discord: FakeDiscord, bot: ConnectorTester) -> None:
    posted = bot.run("send_message", {"channel_id": CHANNEL_ID, "content": "v1"})
    reply = bot.run(
        "send_message",
        {"channel_id": CHANNEL_ID, "content": "re", "reply_to_message_id": posted["id"]},
        node_id="reply",
    )
    assert discord.requests[-1].json()["message_reference"]["message_id"] == posted["id"]
    edited = bot.run("edit_message", {"channel_id": CHANNEL_ID, "message_id": posted["id"], "content": "v2"})
    assert edited["content"] == "v2" and edited["edited_timestamp"]
    for emoji in ("👍", "party_blob:1100000000000000009"):
        out = bot.run("add_reaction", {"channel_id": CHANNEL_ID, "message_id": posted["id"], "emoji": emoji})
        assert out == {"ok": True, "emoji": emoji}
    assert (
        discord.requests[-2].path
        == f"/api/v10/channels/{CHANNEL_ID}/messages/{posted['id']}/reactions/👍/@me"
    )
    assert discord.reactions[posted["id"]] == {"👍", "party_blob:1100000000000000009"}
    deleted = bot.run(
        "delete_message", {"channel_id": CHANNEL_ID, "message_id": reply["id"], "reason": "cleanup job"}
    )
    assert deleted == {"deleted": True, "message_id": reply["id"]}
    assert discord.requests[-1].headers["x-audit-log-reason"] == "cleanup%20job"
    with pytest.raises(NotFoundError, match=r"Unknown Message \(code 10008\)"):
        bot.run("delete_message", {"channel_id": CHANNEL_ID, "message_id": reply["id"]})
    again = bot.run(
        "delete_message", {"channel_id": CHANNEL_ID, "message_id": reply["id"], "missing_ok": True}
    )
    assert again == {"deleted": False, "message_id": reply["id"]}


def test_webhook_message_uses_the_webhook_credential_and_waits_for_the_message(discord: FakeDiscord) -> None:
    hook = ConnectorTester(connector, credential={"webhook_url": discord.webhook_url})
    out = hook.run("send_webhook_message", {"content": "build red", "username": "CI"})
    assert out["content"] == "build red"
    request = discord.requests[-1]
    assert request.query == {"wait": ["true"]}
    assert "authorization" not in request.headers  # the URL is the credential
    assert request.json() == {"content": "build red", "username": "CI"}


def test_wrong_webhook_token_is_auth_error_naming_no_token(
    discord: FakeDiscord, logs_without: Callable[..., str]
) -> None:
    url = discord.webhook_url.replace(WEBHOOK_TOKEN, "wrong-webhook-token-0000000000")
    hook = ConnectorTester(connector, credential={"webhook_url": url})
    with pytest.raises(AuthError, match=r"Invalid Webhook Token \(code 50027\)") as caught:
        hook.run("send_webhook_message", {"content": "x"})
    assert "wrong-webhook-token" not in str(caught.value)
    logs_without("wrong-webhook-token-0000000000")


def test_wrong_bot_token_is_auth_error_without_the_token(
    discord: FakeDiscord, logs_without: Callable[..., str]
) -> None:
    wrong = ConnectorTester(
        connector, credential={"token": "Bot.wrong.discord-token-value"}, base_url=discord.api_url
    )
    with pytest.raises(AuthError, match="401: Unauthorized") as caught:
        wrong.run("send_message", {"channel_id": CHANNEL_ID, "content": "x"})
    assert "discord-token-value" not in str(caught.value)
    logs_without("Bot.wrong.discord-token-value")


def test_unknown_channel_is_not_found(bot: ConnectorTester) -> None:
    with pytest.raises(NotFoundError, match=r"Unknown Channel \(code 10003\)"):
        bot.run("send_message", {"channel_id": "1999999999999999999", "content": "x"})


def test_rate_limit_is_retried_after_the_advertised_wait(discord: FakeDiscord, bot: ConnectorTester) -> None:
    discord.fail_next(429, RATE_LIMITED, headers={"Retry-After": "1", "X-RateLimit-Scope": "user"})
    assert bot.run("send_message", {"channel_id": CHANNEL_ID, "content": "hi"})["content"] == "hi"
    assert bot.sleeps == [1.0]


def test_long_rate_limit_surfaces_the_precise_retry_after(discord: FakeDiscord, bot: ConnectorTester) -> None:
    discord.fail_next(
        429, {**RATE_LIMITED, "retry_after": 64.57, "global": True}, headers={"Retry-After": "65"}
    )
    with pytest.raises(RateLimitedError, match="global limit") as caught:
        bot.run("send_message", {"channel_id": CHANNEL_ID, "content": "hi"})
    assert caught.value.retry_after == 64.57
    assert bot.sleeps == []  # too long to wait in the Lambda: the state machine's Retry waits


def test_server_errors_retry_idempotent_calls_but_never_replay_a_send(
    discord: FakeDiscord, bot: ConnectorTester
) -> None:
    posted = bot.run("send_message", {"channel_id": CHANNEL_ID, "content": "x"})
    discord.requests.clear()
    discord.fail_next(502, "<html>502 Bad Gateway</html>", times=3)
    with pytest.raises(UpstreamUnavailableError, match="HTTP 502"):
        bot.run("add_reaction", {"channel_id": CHANNEL_ID, "message_id": posted["id"], "emoji": "👍"})
    assert len(discord.requests) == 3
    discord.requests.clear()
    discord.fail_next(503, {"message": "upstream", "code": 0})
    with pytest.raises(UpstreamUnavailableError, match="HTTP 503"):
        bot.run("send_message", {"channel_id": CHANNEL_ID, "content": "y"}, node_id="n2")
    assert len(discord.requests) == 1  # a POST may have landed: Step Functions retries with the same nonce


def test_invalid_input_is_refused_before_sending(discord: FakeDiscord, bot: ConnectorTester) -> None:
    with pytest.raises(InvalidInputError, match="content or at least one embed"):
        bot.run("send_message", {"channel_id": CHANNEL_ID})
    with pytest.raises(InvalidInputError, match=r"params\.content"):
        bot.run("send_message", {"channel_id": CHANNEL_ID, "content": "x" * 2001})
    with pytest.raises(InvalidInputError, match=r"params\.channel_id"):
        bot.run("send_message", {"channel_id": "general", "content": "x"})
    assert discord.requests == []


def test_provider_validation_errors_name_the_field(bot: ConnectorTester) -> None:
    with pytest.raises(InvalidInputError, match=r"embeds\.0\.url: Not a well formed URL"):
        bot.run("send_message", {"channel_id": CHANNEL_ID, "embeds": [{"title": "t", "url": "ftp:/x"}]})


MESSAGE_ID = "1200000000000000000"
BOT_ACTIONS = {
    "send_message": {"channel_id": CHANNEL_ID, "content": "x"},
    "edit_message": {"channel_id": CHANNEL_ID, "message_id": MESSAGE_ID, "content": "x"},
    "delete_message": {"channel_id": CHANNEL_ID, "message_id": MESSAGE_ID},
    "add_reaction": {"channel_id": CHANNEL_ID, "message_id": MESSAGE_ID, "emoji": "👍"},
}


@pytest.mark.parametrize("action", [*BOT_ACTIONS, "send_webhook_message"])
def test_every_action_maps_auth_rate_limit_and_server_errors(discord: FakeDiscord, action: str) -> None:
    if action == "send_webhook_message":
        params: dict[str, object] = {"content": "x"}
        good = ConnectorTester(connector, credential={"webhook_url": discord.webhook_url})
        bad_url = discord.webhook_url.replace(WEBHOOK_TOKEN, "forged")
        wrong = ConnectorTester(connector, credential={"webhook_url": bad_url})
    else:
        params = BOT_ACTIONS[action]
        good = ConnectorTester(connector, credential={"token": VALID_TOKEN}, base_url=discord.api_url)
        wrong = ConnectorTester(connector, credential={"token": "forged"}, base_url=discord.api_url)
    with pytest.raises(AuthError):
        wrong.run(action, params)
    discord.fail_next(429, {**RATE_LIMITED, "retry_after": 90.5}, headers={"Retry-After": "91"})
    with pytest.raises(RateLimitedError) as limited:
        good.run(action, params)
    assert limited.value.retry_after == 90.5
    discord.fail_next(500, {"message": "500: Internal Server Error", "code": 0})
    with pytest.raises(UpstreamUnavailableError, match="HTTP 500"):
        good.run(action, params)
