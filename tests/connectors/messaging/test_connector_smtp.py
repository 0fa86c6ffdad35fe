"""SMTP connector against a real local SMTP server (aiosmtpd on loopback): plain, STARTTLS, SSL."""

from __future__ import annotations

import base64
import email
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from fakes.smtp import PASSWORD, USERNAME, FakeSmtp, TlsFiles, free_port, make_tls_files

from connectors.sdk import (
    AuthError,
    ConnectorError,
    InvalidInputError,
    RetryableError,
    UpstreamUnavailableError,
)
from connectors.sdk.testing import ConnectorTester
from connectors.smtp import connector
from connectors.smtp.send_email import message_id_for

SENDER = "alerts@example.com"


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def relay() -> Iterator[FakeSmtp]:
    with FakeSmtp() as server:
        yield server


def credential(server: FakeSmtp, security: str = "none", **extra: Any) -> dict[str, Any]:
    return {
        "host": "127.0.0.1",
        "port": server.port,
        "security": security,
        "username": "",
        "password": "",
    } | extra


def parse(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=default_policy)
    assert isinstance(message, EmailMessage)
    return message


def test_plain_text_with_cc_bcc_and_reply_to(relay: FakeSmtp) -> None:
    tester = ConnectorTester(connector, credential=credential(relay, default_from=SENDER))
    out = tester.run(
        "send_email",
        {
            "to": ["ada@example.com"],
            "cc": ["grace@example.com"],
            "bcc": ["audit@example.com"],
            "reply_to": "support@example.com",
            "from_name": "WFAIB Alerts",
            "subject": "Disk almost full",
            "text": "db-1 is at 91%.",
            "headers": {"X-Campaign": "ops"},
        },
    )
    assert out["accepted"] == ["ada@example.com", "grace@example.com", "audit@example.com"]
    assert out["refused"] == {}
    [received] = relay.received
    assert received.mail_from == SENDER and not received.tls
    assert received.rcpt_tos == ["ada@example.com", "grace@example.com", "audit@example.com"]
    message = parse(received.data)
    assert message["From"] == "WFAIB Alerts <alerts@example.com>"
    assert (message["To"], message["Cc"], message["Reply-To"]) == (
        "ada@example.com",
        "grace@example.com",
        "support@example.com",
    )
    assert message["Bcc"] is None and b"audit@example.com" not in received.data
    assert message["X-Campaign"] == "ops"
    assert message["Message-ID"] == out["message_id"] == message_id_for("exec-test/node-test", SENDER)
    assert message.get_content().strip() == "db-1 is at 91%."


def test_html_with_text_alternative_and_attachment(relay: FakeSmtp) -> None:
    report = b"id,size\n1,42\n"
    tester = ConnectorTester(connector, credential=credential(relay))
    tester.run(
        "send_email",
        {
            "to": ["ada@example.com"],
            "from_email": SENDER,
            "subject": "Weekly report",
            "text": "See the attached report.",
            "html": "<p>See the <b>attached</b> report.</p>",
            "attachments": [
                {
                    "filename": "report.csv",
                    "content_base64": base64.b64encode(report).decode(),
                    "content_type": "text/csv",
                }
            ],
        },
    )
    message = parse(relay.received[0].data)
    assert message.get_content_type() == "multipart/mixed"
    body = message.get_body(preferencelist=("html",))
    assert body is not None and "<b>attached</b>" in body.get_content()
    plain = message.get_body(preferencelist=("plain",))
    assert plain is not None and plain.get_content().strip() == "See the attached report."
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "report.csv" and attachment.get_content_type() == "text/csv"
    assert attachment.get_payload(decode=True) == report


def test_a_retried_send_keeps_the_message_id(relay: FakeSmtp) -> None:
    tester = ConnectorTester(connector, credential=credential(relay))
    params = {"to": ["ada@example.com"], "from_email": SENDER, "subject": "Grüße ✓", "html": "<p>Grüße</p>"}
    first = tester.run("send_email", params)
    again = tester.run("send_email", params)
    other = tester.run("send_email", params, node_id="other-node")
    assert first["message_id"] == again["message_id"] != other["message_id"]
    message = parse(relay.received[0].data)
    assert message.get_content_type() == "text/html"
    assert message["Subject"] == "Grüße ✓" and "Grüße" in message.get_content()
    assert relay.received[0].data.isascii()  # encoded words and a transfer encoding, not raw UTF-8


def test_starttls_with_login(tls: TlsFiles) -> None:
    with FakeSmtp(mode="starttls", auth=True, tls=tls) as server:
        tester = ConnectorTester(
            connector,
            credential=credential(
                server, "starttls", username=USERNAME, password=PASSWORD, tls_ca_pem=tls.ca_pem
            ),
        )
        tester.run(
            "send_email", {"to": ["ada@example.com"], "from_email": SENDER, "subject": "s", "text": "t"}
        )
        [received] = server.received
        assert received.tls and received.login == USERNAME
        check = tester.run("check_connection", {})
        assert check["tls"] and check["authenticated"] and check["port"] == server.port
        assert "AUTH" in check["extensions"]


def test_implicit_tls(tls: TlsFiles) -> None:
    with FakeSmtp(mode="ssl", tls=tls) as server:
        tester = ConnectorTester(connector, credential=credential(server, "ssl", tls_ca_pem=tls.ca_pem))
        tester.run(
            "send_email", {"to": ["ada@example.com"], "from_email": SENDER, "subject": "s", "text": "t"}
        )
        assert server.received[0].tls


def test_wrong_password_is_auth_error_without_the_password(
    tls: TlsFiles, logs_without: Callable[..., str]
) -> None:
    with FakeSmtp(mode="starttls", auth=True, tls=tls) as server:
        wrong = credential(
            server, "starttls", username=USERNAME, password="wrong-smtp-pass-77", tls_ca_pem=tls.ca_pem
        )
        tester = ConnectorTester(connector, credential=wrong)
        with pytest.raises(AuthError, match="refused the login: 535") as caught:
            tester.run(
                "send_email", {"to": ["ada@example.com"], "from_email": SENDER, "subject": "s", "text": "t"}
            )
        assert "wrong-smtp-pass-77" not in str(caught.value)
        logs_without("wrong-smtp-pass-77")
        assert server.received == []


def test_untrusted_certificate_and_missing_starttls_are_permanent(tls: TlsFiles, relay: FakeSmtp) -> None:
    with FakeSmtp(mode="starttls", tls=tls) as server:
        tester = ConnectorTester(connector, credential=credential(server, "starttls"))  # no private CA
        with pytest.raises(ConnectorError, match=r"certificate of 127.0.0.1:.* not trusted") as caught:
            tester.run("check_connection", {})
        assert not isinstance(caught.value, RetryableError)
    tester = ConnectorTester(connector, credential=credential(relay, "starttls"))
    with pytest.raises(ConnectorError, match="STARTTLS extension not supported") as refused:
        tester.run("check_connection", {})
    assert not isinstance(refused.value, RetryableError)


def test_transient_4xx_replies_are_retryable(relay: FakeSmtp) -> None:
    tester = ConnectorTester(connector, credential=credential(relay))
    with pytest.raises(RetryableError, match=r"busy@example.com: 451 4.3.0"):
        tester.run(
            "send_email", {"to": ["busy@example.com"], "from_email": SENDER, "subject": "s", "text": "t"}
        )
    relay.handler.data_reply = "452 4.3.1 Insufficient system storage"
    with pytest.raises(RetryableError, match=r"answered 452 4.3.1"):
        tester.run(
            "send_email", {"to": ["ada@example.com"], "from_email": SENDER, "subject": "s", "text": "t"}
        )
    relay.handler.data_reply = "421 4.7.0 Too many messages, slow down"
    with pytest.raises(UpstreamUnavailableError, match=r"answered 421 4\.7\.0"):
        tester.run(
            "send_email", {"to": ["ada@example.com"], "from_email": SENDER, "subject": "s", "text": "t"}
        )
    assert relay.received == []


def test_permanent_5xx_replies_are_not_retryable(relay: FakeSmtp) -> None:
    tester = ConnectorTester(connector, credential=credential(relay))
    with pytest.raises(InvalidInputError, match=r"nobody@example.com: 550 5.1.1") as caught:
        tester.run(
            "send_email", {"to": ["nobody@example.com"], "from_email": SENDER, "subject": "s", "text": "t"}
        )
    assert not isinstance(caught.value, RetryableError)
    relay.handler.data_reply = "554 5.7.1 Message rejected as spam"
    with pytest.raises(ConnectorError, match=r"answered 554 5.7.1") as spam:
        tester.run(
            "send_email", {"to": ["ada@example.com"], "from_email": SENDER, "subject": "s", "text": "t"}
        )
    assert not isinstance(spam.value, RetryableError)


def test_partly_refused_recipients_are_reported(relay: FakeSmtp) -> None:
    tester = ConnectorTester(connector, credential=credential(relay))
    out = tester.run(
        "send_email",
        {"to": ["ada@example.com", "nobody@example.com"], "from_email": SENDER, "subject": "s", "text": "t"},
    )
    assert out["accepted"] == ["ada@example.com"]
    assert out["refused"]["nobody@example.com"].startswith("550 5.1.1")
    assert relay.received[0].rcpt_tos == ["ada@example.com"]


def test_unreachable_server_is_retryable() -> None:
    port = free_port()  # nothing listens there
    tester = ConnectorTester(
        connector,
        credential={"host": "127.0.0.1", "port": port, "security": "none", "username": "", "password": ""},
    )
    with pytest.raises(UpstreamUnavailableError, match=f"could not reach 127.0.0.1:{port}"):
        tester.run("check_connection", {})


def test_send_raw_email_relays_the_message_unchanged(relay: FakeSmtp) -> None:
    raw = "From: a@example.com\nTo: b@example.com\nSubject: Archived\nMessage-ID: <m1@example.com>\n\nBody line\n"
    tester = ConnectorTester(connector, credential=credential(relay))
    out = tester.run(
        "send_raw_email",
        {"envelope_from": "bounce@example.com", "recipients": ["b@example.com"], "raw_message": raw},
    )
    assert out == {"message_id": "<m1@example.com>", "accepted": ["b@example.com"], "refused": {}}
    received = relay.received[0]
    assert received.mail_from == "bounce@example.com"
    assert received.data.replace(b"\r\n", b"\n") == raw.encode()


def test_invalid_input_never_connects(relay: FakeSmtp) -> None:
    tester = ConnectorTester(connector, credential=credential(relay))
    base = {"to": ["ada@example.com"], "from_email": SENDER, "subject": "s", "text": "t"}
    with pytest.raises(InvalidInputError, match=r"params\.to\.0"):
        tester.run("send_email", base | {"to": ["not-an-address"]})
    with pytest.raises(InvalidInputError, match="text or html"):
        tester.run("send_email", {k: v for k, v in base.items() if k != "text"})
    with pytest.raises(InvalidInputError, match=r"params\.subject"):
        tester.run("send_email", base | {"subject": "hi\r\nBcc: victim@example.com"})
    with pytest.raises(InvalidInputError, match="from_email: required"):
        tester.run("send_email", {k: v for k, v in base.items() if k != "from_email"})
    with pytest.raises(InvalidInputError, match="not valid base64"):
        tester.run("send_email", base | {"attachments": [{"filename": "a.bin", "content_base64": "%%"}]})
    with pytest.raises(InvalidInputError, match="needs at least From and Subject"):
        tester.run(
            "send_raw_email", {"envelope_from": SENDER, "recipients": ["b@example.com"], "raw_message": "hi"}
        )
    assert relay.received == []
