"""Idempotency-Key on POST /workflows/{id}/runs: a retried start gets the first run back."""

from __future__ import annotations

import uuid

from integration.helpers import Api, assert_envelope, example, unique


def _published(api: Api) -> str:
    workflow_id = unique("hello")
    api.create(example("hello-world", workflow_id))
    api.publish(workflow_id)
    return workflow_id


def test_a_retried_start_with_the_same_key_returns_the_first_run(acme: Api) -> None:
    workflow_id = _published(acme)
    key = {"Idempotency-Key": f"start-{uuid.uuid4().hex}"}
    body = {"input": {"name": "Ada"}}

    first = acme.post(f"/workflows/{workflow_id}/runs", json=body, headers=key)
    again = acme.post(f"/workflows/{workflow_id}/runs", json=body, headers=key)
    other_body = acme.post(f"/workflows/{workflow_id}/runs", json={"input": {"name": "Bob"}}, headers=key)
    without_key = acme.post(f"/workflows/{workflow_id}/runs", json=body)

    assert first.status_code == 201, first.text
    assert (again.status_code, again.headers.get("Idempotent-Replayed")) == (200, "true")
    assert again.json()["id"] == first.json()["id"]
    assert_envelope(other_body, 422, "idempotency_key_reused")
    assert without_key.status_code == 201 and without_key.json()["id"] != first.json()["id"]
    runs = acme.get("/runs", params={"workflow_id": workflow_id}).json()["items"]
    assert sorted(run["id"] for run in runs) == sorted({first.json()["id"], without_key.json()["id"]})


def test_keys_of_one_tenant_do_not_answer_another(acme: Api, globex: Api) -> None:
    key = {"Idempotency-Key": f"shared-{uuid.uuid4().hex}"}
    body = {"input": {"name": "Ada"}}
    ours = acme.post(f"/workflows/{_published(acme)}/runs", json=body, headers=key)
    theirs = globex.post(f"/workflows/{_published(globex)}/runs", json=body, headers=key)

    assert (ours.status_code, theirs.status_code) == (201, 201)
    assert ours.json()["id"] != theirs.json()["id"]


def test_a_refused_start_keeps_no_record_so_its_retry_can_start(acme: Api) -> None:
    workflow_id = unique("hello")
    acme.create(example("hello-world", workflow_id))  # not published yet: refused
    key = {"Idempotency-Key": f"later-{uuid.uuid4().hex}"}

    refused = acme.post(f"/workflows/{workflow_id}/runs", json={"input": {}}, headers=key)
    acme.publish(workflow_id)
    retried = acme.post(f"/workflows/{workflow_id}/runs", json={"input": {}}, headers=key)

    assert_envelope(refused, 409, "not_published")
    assert retried.status_code == 201, retried.text
