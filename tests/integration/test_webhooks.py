"""Webhooks over HTTP: Standard Webhooks signatures, and exactly-once start under duplicate deliveries."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import httpx
import pytest

from functions.shared.signatures import sign
from integration.helpers import Api, PlatformHandle, assert_envelope, example, unique


class Sender:
    """A webhook sender: signs each delivery with the workflow's secret, as Standard Webhooks says."""

    def __init__(self, handle: PlatformHandle, url_path: str, secret: str) -> None:
        self.url = handle.platform.api_url + url_path
        self.secret = secret

    def deliver(
        self,
        payload: Any,
        *,
        message_id: str | None = None,
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
        secret: str | None = None,
        method: str = "POST",
    ) -> httpx.Response:
        body = json.dumps(payload).encode()
        message_id = message_id or f"msg_{uuid.uuid4().hex}"
        timestamp = int(time.time()) if timestamp is None else timestamp
        signature = sign(secret or self.secret, message_id, timestamp, body)
        signed = {
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature,
        }
        return httpx.request(
            method,
            self.url,
            content=body,
            headers={"Content-Type": "application/json", **signed, **(headers or {})},
        )


@pytest.fixture
def orders(acme: Api, handle: PlatformHandle) -> tuple[str, Sender]:
    """The order-routing example (a webhook trigger), published to dev, and a sender for it."""
    workflow_id = unique("orders")
    document = example("order-routing", workflow_id)
    document["trigger"]["path"] = f"shop/{workflow_id}"
    acme.create(document)
    acme.publish(workflow_id)
    hook = acme.get(f"/workflows/{workflow_id}/webhook").json()
    assert hook["path"] == f"shop/{workflow_id}"
    assert hook["urls"]["dev"] == f"/hooks/acme/dev/shop/{workflow_id}"
    return workflow_id, Sender(handle, hook["urls"]["dev"], hook["secret"])


def test_a_signed_delivery_starts_a_run_with_the_body_as_trigger(
    acme: Api, orders: tuple[str, Sender]
) -> None:
    workflow_id, sender = orders

    delivered = sender.deliver({"id": "ord-1", "total": 150})

    assert delivered.status_code == 202, delivered.text
    run = acme.wait_finished(delivered.json()["run_id"])
    assert (run["status"], run["trigger"], run["workflow_id"]) == ("SUCCEEDED", "webhook", workflow_id)
    assert run["input"] == {"id": "ord-1", "total": 150}


def test_duplicate_deliveries_start_exactly_one_run(acme: Api, orders: tuple[str, Sender]) -> None:
    # Given ten concurrent deliveries of one message, then two retries
    workflow_id, sender = orders
    answers: list[httpx.Response] = []

    def deliver() -> None:
        answers.append(sender.deliver({"id": "ord-2", "total": 5}, message_id="msg_same"))

    threads = [threading.Thread(target=deliver) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    retries = [sender.deliver({"id": "ord-2", "total": 5}, message_id="msg_same") for _ in range(2)]

    # Then one run was started and every answer names it
    run_ids = {answer.json()["run_id"] for answer in [*answers, *retries]}
    assert len(run_ids) == 1
    assert sorted(answer.status_code for answer in answers).count(202) == 1
    assert all(answer.headers.get("Idempotent-Replayed") == "true" for answer in retries)
    listed = acme.get("/runs", params={"workflow_id": workflow_id}).json()["items"]
    assert [run["id"] for run in listed] == list(run_ids)


def test_the_idempotency_key_header_wins_over_the_message_id(acme: Api, orders: tuple[str, Sender]) -> None:
    workflow_id, sender = orders
    first = sender.deliver({"id": "ord-3"}, headers={"Idempotency-Key": "order-3"})
    second = sender.deliver({"id": "ord-3"}, headers={"Idempotency-Key": "order-3"})
    reused = sender.deliver({"id": "ord-4"}, headers={"Idempotency-Key": "order-3"})

    assert (first.status_code, second.status_code) == (202, 200)
    assert first.json()["run_id"] == second.json()["run_id"]
    error = assert_envelope(reused, 422, "idempotency_key_reused")
    assert error["details"]["run_id"] == first.json()["run_id"]
    assert len(acme.get("/runs", params={"workflow_id": workflow_id}).json()["items"]) == 1


def test_unsigned_forged_stale_and_misdirected_deliveries_are_refused(
    acme: Api, orders: tuple[str, Sender], handle: PlatformHandle
) -> None:
    workflow_id, sender = orders
    unsigned = httpx.post(sender.url, json={"id": "x"})
    forged = sender.deliver({"id": "x"}, secret="whsec_" + "A" * 44)
    stale = sender.deliver({"id": "x"}, timestamp=int(time.time()) - 3600)
    wrong_method = sender.deliver({"id": "x"}, method="PUT")
    other_tenant = httpx.post(sender.url.replace("/hooks/acme/", "/hooks/globex/"), json={"id": "x"})
    unknown_path = httpx.post(handle.platform.api_url + "/hooks/acme/dev/nothing-here", json={})

    for response in (unsigned, forged, stale):
        assert_envelope(response, 401, "invalid_signature")
    assert_envelope(wrong_method, 405, "method_not_allowed")
    assert_envelope(other_tenant, 404, "not_found")
    assert_envelope(unknown_path, 404, "not_found")
    assert acme.get("/runs", params={"workflow_id": workflow_id}).json()["items"] == []


def test_a_delivery_to_an_unpublished_environment_is_refused_and_can_be_retried(
    acme: Api, orders: tuple[str, Sender]
) -> None:
    workflow_id, sender = orders
    prod = Sender.__new__(Sender)
    prod.url, prod.secret = sender.url.replace("/dev/", "/prod/"), sender.secret

    refused = prod.deliver({"id": "p"}, message_id="msg_prod")
    acme.post(f"/workflows/{workflow_id}/promote", json={"from": "dev", "to": "prod"})
    retried = prod.deliver({"id": "p"}, message_id="msg_prod")

    assert_envelope(refused, 409, "not_published")
    assert retried.status_code == 202, retried.text
    assert acme.get(f"/runs/{retried.json()['run_id']}").json()["environment"] == "prod"


def test_rotating_the_secret_retires_the_old_one(acme: Api, orders: tuple[str, Sender]) -> None:
    workflow_id, sender = orders
    rotated = acme.post(f"/workflows/{workflow_id}/webhook/rotate").json()

    assert rotated["secret"] != sender.secret
    assert_envelope(sender.deliver({"id": "old"}), 401, "invalid_signature")
    assert sender.deliver({"id": "new"}, secret=rotated["secret"]).status_code == 202


def test_the_webhook_secret_is_for_members_and_paths_are_unique(
    handle: PlatformHandle, acme: Api, orders: tuple[str, Sender]
) -> None:
    workflow_id, _ = orders
    assert_envelope(
        handle.client("acme", "viewer").get(f"/workflows/{workflow_id}/webhook"), 403, "forbidden"
    )
    manual = unique("manual")
    acme.create(example("hello-world", manual))
    assert_envelope(acme.get(f"/workflows/{manual}/webhook"), 404, "no_webhook")

    # A second workflow cannot take the first one's path
    copy_id = unique("copy")
    copy = example("order-routing", copy_id)
    copy["trigger"]["path"] = f"shop/{workflow_id}"
    acme.create(copy)
    assert_envelope(acme.post(f"/workflows/{copy_id}/publish"), 409, "webhook_path_taken")


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"\xff\xfe", b"[" * 10_000],
)
def test_garbage_deliveries_get_a_4xx_envelope(orders: tuple[str, Sender], body: bytes) -> None:
    _, sender = orders
    message_id, timestamp = f"msg_{uuid.uuid4().hex}", int(time.time())
    headers = {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(sender.secret, message_id, timestamp, body),
    }
    response = httpx.post(sender.url, content=body, headers=headers)
    assert 400 <= response.status_code < 500, response.text
    assert_envelope(response, response.status_code)


def test_the_signature_matches_the_standard_webhooks_example() -> None:
    # The example in the Standard Webhooks specification.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == (
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_a_paused_workflow_refuses_deliveries_and_a_retry_after_lifting_starts_the_run(
    handle: PlatformHandle,
) -> None:
    api = handle.client(unique("hooked"))
    workflow_id = unique("orders")
    api.create(example("order-routing", workflow_id))
    api.publish(workflow_id)
    hook = api.get(f"/workflows/{workflow_id}/webhook").json()
    sender = Sender(handle, hook["urls"]["dev"], hook["secret"])
    api.put(f"/flags/workflow/{workflow_id}", json={"action": "pause", "reason": "Migrating"})

    refused = sender.deliver({"id": "o"}, message_id="msg_paused")
    api.delete(f"/flags/workflow/{workflow_id}")
    retried = sender.deliver({"id": "o"}, message_id="msg_paused")

    assert_envelope(refused, 409, "paused")
    assert retried.status_code == 202, retried.text
    assert api.wait_finished(retried.json()["run_id"])["input"] == {"id": "o"}
