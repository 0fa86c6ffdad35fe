"""Telegram connector against a fake Bot API (real HTTP on loopback)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator

import pytest
from fakes.telegram import BLOCKED_CHAT, CHANNEL_CHAT, PRIVATE_CHAT, VALID_TOKEN, FakeTelegram, telegram_error

from connectors.sdk import (
    AuthError,
    ConnectorError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    UpstreamUnavailableError,
)
from connectors.sdk.testing import ConnectorTester
from connectors.telegram import connector


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def bot(telegram: FakeTelegram) -> ConnectorTester:
    return ConnectorTester(connector, credential={"token": VALID_TOKEN}, base_url=telegram.url)


def test_send_message_puts_the_token_in_the_path_only(telegram: FakeTelegram, bot: ConnectorTester) -> None:
    out = bot.run(
        "send_message",
        {"chat_id": PRIVATE_CHAT, "text": "*done*", "parse_mode": "MarkdownV2", "disable_link_preview": True},
    )
    assert out["chat_id"] == PRIVATE_CHAT and out["text"] == "*done*" and out["message_id"] >= 100
    request = telegram.requests[-1]
    assert request.path == f"/bot{VALID_TOKEN}/sendMessage"
    assert "authorization" not in request.headers
    assert request.json() == {
        "chat_id": PRIVATE_CHAT,
        "text": "*done*",
        "parse_mode": "MarkdownV2",
        "link_preview_options": {"is_disabled": True},
    }


def test_channel_by_username_and_reply(telegram: FakeTelegram, bot: ConnectorTester) -> None:
    first = bot.run("send_message", {"chat_id": "@wfaib_news", "text": "release"})
    assert first["chat_id"] == CHANNEL_CHAT
    bot.run(
        "send_message", {"chat_id": CHANNEL_CHAT, "text": "notes", "reply_to_message_id": first["message_id"]}
    )
    assert telegram.requests[-1].json()["reply_parameters"] == {"message_id": first["message_id"]}


def test_send_photo_by_url_and_document_by_upload(telegram: FakeTelegram, bot: ConnectorTester) -> None:
    photo = bot.run(
        "send_photo",
        {"chat_id": PRIVATE_CHAT, "url_or_file_id": "https://example.com/chart.png", "caption": "Q3"},
    )
    assert photo["caption"] == "Q3" and photo["file_id"].startswith("AgAC")
    assert telegram.requests[-1].json()["photo"] == "https://example.com/chart.png"
    content = b"%PDF-1.7 fake invoice"
    document = bot.run(
        "send_document",
        {
            "chat_id": PRIVATE_CHAT,
            "content_base64": base64.b64encode(content).decode(),
            "filename": "invoice.pdf",
            "disable_notification": True,
        },
    )
    request = telegram.requests[-1]
    assert request.path.endswith("/sendDocument")
    assert request.files == {"document": content}
    assert request.form == {"chat_id": str(PRIVATE_CHAT), "disable_notification": "true"}
    assert telegram.uploads[document["file_id"]] == content
    resent = bot.run("send_document", {"chat_id": CHANNEL_CHAT, "url_or_file_id": document["file_id"]})
    assert resent["file_id"] == document["file_id"]


def test_new_update_trigger_polls_from_the_confirmed_offset(
    telegram: FakeTelegram, bot: ConnectorTester
) -> None:
    first_id = telegram.push_message("hello bot")
    telegram.push_message("second")
    first = bot.poll("new_update", {})
    assert [e["message"]["text"] for e in first["events"]] == ["hello bot", "second"]
    assert first["events"][0]["update_id"] == first_id
    assert first["cursor"] == str(first_id + 2)
    assert bot.poll("new_update", {}, cursor=first["cursor"]) == {"events": [], "cursor": first["cursor"]}
    telegram.push_message("third")
    third = bot.poll("new_update", {}, cursor=first["cursor"])
    assert [e["message"]["text"] for e in third["events"]] == ["third"]
    assert telegram.requests[-1].json() == {
        "limit": 100,
        "timeout": 0,
        "allowed_updates": ["message"],
        "offset": first_id + 2,
    }


def test_revoked_and_malformed_tokens_are_auth_errors_without_the_token(
    telegram: FakeTelegram, logs_without: Callable[..., str]
) -> None:
    for token, reply in (
        ("7012345678:AAWrongButWellFormedSecret-99999999", "Unauthorized"),
        ("not-a-token", "Not Found"),
    ):
        wrong = ConnectorTester(connector, credential={"token": token}, base_url=telegram.url)
        with pytest.raises(
            AuthError, match=f"Telegram sendMessage: {reply} \\(check the bot token\\)"
        ) as caught:
            wrong.run("send_message", {"chat_id": PRIVATE_CHAT, "text": "x"})
        assert token not in str(caught.value)
        logs_without(token)


def test_unknown_chat_is_not_found_and_a_blocked_bot_is_permanent(bot: ConnectorTester) -> None:
    with pytest.raises(NotFoundError, match="Bad Request: chat not found"):
        bot.run("send_message", {"chat_id": 999, "text": "x"})
    with pytest.raises(ConnectorError, match="Forbidden: bot was blocked by the user") as caught:
        bot.run("send_message", {"chat_id": BLOCKED_CHAT, "text": "x"})
    assert type(caught.value) is ConnectorError  # not AuthError: the token is fine


def test_rate_limit_takes_retry_after_from_the_body(telegram: FakeTelegram, bot: ConnectorTester) -> None:
    limited = telegram_error(429, "Too Many Requests: retry after 35", retry_after=35)
    telegram.fail_next(429, limited, times=3)
    with pytest.raises(RateLimitedError, match="retry after 35") as caught:
        bot.run("send_message", {"chat_id": PRIVATE_CHAT, "text": "x"})
    assert caught.value.retry_after == 35
    assert VALID_TOKEN not in str(caught.value)
    assert len(bot.sleeps) == 2  # no Retry-After header: short backoffs, then the state machine waits


def test_short_rate_limit_with_header_is_retried_in_place(
    telegram: FakeTelegram, bot: ConnectorTester
) -> None:
    limited = telegram_error(429, "Too Many Requests: retry after 2", retry_after=2)
    telegram.fail_next(429, limited, headers={"Retry-After": "2"})
    assert bot.run("send_message", {"chat_id": PRIVATE_CHAT, "text": "x"})["text"] == "x"
    assert bot.sleeps == [2.0]


def test_server_error_on_a_send_is_not_replayed(telegram: FakeTelegram, bot: ConnectorTester) -> None:
    telegram.fail_next(502, "<html><body>502 Bad Gateway</body></html>")
    with pytest.raises(UpstreamUnavailableError, match="Telegram sendMessage: HTTP 502"):
        bot.run("send_message", {"chat_id": PRIVATE_CHAT, "text": "x"})
    assert len(telegram.requests) == 1
    assert telegram.sent == []


def test_invalid_input_locally_and_from_telegram(telegram: FakeTelegram, bot: ConnectorTester) -> None:
    with pytest.raises(InvalidInputError, match=r"params\.text"):
        bot.run("send_message", {"chat_id": PRIVATE_CHAT, "text": "x" * 4097})
    with pytest.raises(InvalidInputError, match="exactly one of url_or_file_id and content_base64"):
        bot.run("send_photo", {"chat_id": PRIVATE_CHAT})
    with pytest.raises(InvalidInputError, match="not valid base64"):
        bot.run("send_photo", {"chat_id": PRIVATE_CHAT, "content_base64": "%%%"})
    assert telegram.requests == []
    with pytest.raises(InvalidInputError, match="wrong file identifier/HTTP URL specified"):
        bot.run("send_photo", {"chat_id": PRIVATE_CHAT, "url_or_file_id": "no-such-file-id"})


ACTIONS = {
    "send_message": {"chat_id": PRIVATE_CHAT, "text": "x"},
    "send_photo": {"chat_id": PRIVATE_CHAT, "url_or_file_id": "https://example.com/a.png"},
    "send_document": {"chat_id": PRIVATE_CHAT, "content_base64": "aGk="},
}


@pytest.mark.parametrize("action", [*ACTIONS, "new_update"])
def test_every_action_and_the_trigger_map_auth_rate_limit_and_server_errors(
    telegram: FakeTelegram, action: str
) -> None:
    good = ConnectorTester(connector, credential={"token": VALID_TOKEN}, base_url=telegram.url)
    wrong = ConnectorTester(
        connector, credential={"token": "7012345678:AAForgedForgedForgedForgedForged0"}, base_url=telegram.url
    )

    def run(tester: ConnectorTester) -> object:
        return tester.poll(action, {}) if action == "new_update" else tester.run(action, ACTIONS[action])

    with pytest.raises(AuthError):
        run(wrong)
    telegram.fail_next(429, telegram_error(429, "Too Many Requests: retry after 40", retry_after=40), times=3)
    with pytest.raises(RateLimitedError) as limited:
        run(good)
    assert limited.value.retry_after == 40
    telegram.fail_next(500, telegram_error(500, "Internal Server Error"))
    with pytest.raises(UpstreamUnavailableError, match="Internal Server Error"):
        run(good)
