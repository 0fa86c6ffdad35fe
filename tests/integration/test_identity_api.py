"""Identity over HTTP: every route needs credentials, roles limit what a caller may do, tenants are apart."""

from __future__ import annotations

import re
from datetime import timedelta

import jwt
import pytest

from functions.api.auth import issue_token
from integration.helpers import Api, PlatformHandle, assert_envelope, example, unique

PUBLIC = {"/openapi.json", "/docs", "/health"}
SAMPLE_PATH_VALUES = {
    "workflow_id": "hello-world",
    "version": "1",
    "run_id": "0" * 26,
    "connector_id": "slack",
    "key_id": "0" * 12,
    "credential_id": "slack-main",
    "template_id": "hello-world",
    "scope": "workflow",
    "target": "hello-world",
    "approval_id": "0" * 32,
    "link_token": "not-a-signed-link",
    "email": "ada@acme.test",
    "name": "auditor",
}
# Approval links are the credential themselves (functions/api/routes/approvals.py).
LINK_ROUTES = "/approvals/links/"


def _operations(handle: PlatformHandle) -> list[tuple[str, str]]:
    document = handle.anonymous().get("/openapi.json").json()
    return [
        (method.upper(), re.sub(r"{(\w+)}", lambda m: SAMPLE_PATH_VALUES[m.group(1)], path))
        for path, item in document["paths"].items()
        for method in item
    ]


def test_every_documented_route_refuses_a_caller_without_credentials(handle: PlatformHandle) -> None:
    operations = _operations(handle)
    assert len(operations) >= 20
    anonymous = handle.anonymous()
    for method, path in operations:
        assert path not in PUBLIC
        if path.startswith(LINK_ROUTES):
            assert_envelope(
                anonymous.request(method, f"{path}?decision=approve", json={}), 404, "invalid_link"
            )
            continue
        error = assert_envelope(anonymous.request(method, path, json={}), 401, "unauthenticated")
        assert "Authorization" in error["message"], (method, path)


def test_bad_expired_and_forged_tokens_are_refused(handle: PlatformHandle) -> None:
    settings = handle.platform.settings
    expired = issue_token(settings, tenant_id="acme", subject="ada", role="owner", ttl=timedelta(seconds=-5))
    forged = jwt.encode(
        {"iss": "wfaib", "sub": "x", "tenant": "acme", "role": "owner", "exp": 4_102_444_800},
        "a-guessed-secret-of-thirty-two-bytes",
    )
    no_tenant = jwt.encode(
        {"iss": "wfaib", "sub": "x", "role": "owner", "exp": 4_102_444_800},
        settings.jwt_secret.get_secret_value(),
    )
    for token, code in [
        ("garbage", "invalid_token"),
        (expired, "token_expired"),
        (forged, "invalid_token"),
        (no_tenant, "invalid_token"),
    ]:
        client = Api(handle.platform.api_url, {"Authorization": f"Bearer {token}"})
        assert_envelope(client.get("/workflows"), 401, code)


def test_a_viewer_reads_but_cannot_change_or_run(handle: PlatformHandle, acme: Api) -> None:
    workflow_id = unique("viewed")
    acme.create(example("hello-world", workflow_id))
    acme.publish(workflow_id)
    viewer = handle.client("acme", "viewer")

    assert viewer.get(f"/workflows/{workflow_id}").status_code == 200
    assert viewer.post(f"/workflows/{workflow_id}/validate").status_code == 200
    assert viewer.get("/connectors").status_code == 200
    refused = [
        viewer.put(f"/workflows/{workflow_id}", json=example("hello-world", workflow_id)),
        viewer.post("/workflows", json=example("hello-world", unique("nope"))),
        viewer.delete(f"/workflows/{workflow_id}"),
        viewer.post(f"/workflows/{workflow_id}/publish"),
        viewer.post(f"/workflows/{workflow_id}/runs", json={"input": {}}),
        viewer.get("/audit"),
        viewer.post("/api-keys", json={"name": "k", "role": "viewer"}),
    ]
    for response in refused:
        error = assert_envelope(response, 403, "forbidden")
        assert error["details"]["role"] == "viewer"
    assert acme.get(f"/workflows/{workflow_id}").json()["version"] == 1


def test_a_member_works_on_workflows_but_cannot_manage_the_team(handle: PlatformHandle) -> None:
    member = handle.client("acme", "member")
    workflow_id = unique("membered")
    member.create(example("hello-world", workflow_id))
    member.publish(workflow_id)
    assert member.wait_finished(member.start(workflow_id, {})["id"])["status"] == "SUCCEEDED"
    assert_envelope(member.get("/audit"), 403, "forbidden")
    assert_envelope(member.get("/api-keys"), 403, "forbidden")


def test_api_keys_carry_a_role_work_once_shown_and_stop_when_revoked(
    handle: PlatformHandle, acme: Api
) -> None:
    # Given an owner creates a member key
    created = acme.post("/api-keys", json={"name": "ci", "role": "member"})
    assert created.status_code == 201, created.text
    key = created.json()["key"]

    # Then the key works with either header, as a member of the tenant
    by_header = Api(handle.platform.api_url, {"X-Api-Key": key})
    by_bearer = Api(handle.platform.api_url, {"Authorization": f"Bearer {key}"})
    assert by_header.get("/me").json()["tenant_id"] == "acme"
    assert by_bearer.get("/me").json()["role"] == "member"
    by_header.create(example("hello-world", unique("keyed")))
    assert_envelope(by_header.get("/audit"), 403, "forbidden")

    # And the key itself is never listed, a wrong secret is refused, and revoking ends it
    listed = acme.get("/api-keys").json()
    assert key not in str(listed)
    assert created.json()["id"] in {item["id"] for item in listed}
    assert_envelope(
        Api(handle.platform.api_url, {"X-Api-Key": key[:-1] + ("1" if key.endswith("0") else "0")}).get(
            "/me"
        ),
        401,
        "invalid_api_key",
    )
    assert acme.delete(f"/api-keys/{created.json()['id']}").status_code == 204
    assert_envelope(by_header.get("/me"), 401, "invalid_api_key")


def test_nobody_hands_out_a_key_above_their_role(handle: PlatformHandle) -> None:
    admin = handle.client("acme", "admin")
    assert_envelope(admin.post("/api-keys", json={"name": "k", "role": "owner"}), 403, "role_too_high")


@pytest.fixture
def acme_run(acme: Api) -> tuple[str, str]:
    workflow_id = unique("private")
    acme.create(example("hello-world", workflow_id))
    acme.publish(workflow_id)
    run_id = acme.start(workflow_id, {"name": "secret"})["id"]
    acme.wait_finished(run_id)
    return workflow_id, run_id


def test_tenants_cannot_read_or_change_each_others_workflows_or_runs(
    acme: Api, globex: Api, acme_run: tuple[str, str]
) -> None:
    workflow_id, run_id = acme_run
    document = example("hello-world", workflow_id)

    # Reads: not found, as if it did not exist
    for path in (
        f"/workflows/{workflow_id}",
        f"/workflows/{workflow_id}/versions",
        f"/workflows/{workflow_id}/versions/1",
        f"/runs/{run_id}",
    ):
        assert_envelope(globex.get(path), 404, "not_found")
    assert_envelope(globex.post(f"/workflows/{workflow_id}/compile"), 404, "not_found")
    assert workflow_id not in str(globex.get("/workflows", params={"limit": 200}).json())
    assert run_id not in str(globex.get("/runs", params={"limit": 200}).json())
    assert globex.get("/runs", params={"workflow_id": workflow_id}).json()["items"] == []

    # Changes: refused, and acme's workflow and run are untouched
    assert_envelope(globex.put(f"/workflows/{workflow_id}", json=document), 404, "not_found")
    assert_envelope(globex.delete(f"/workflows/{workflow_id}"), 404, "not_found")
    assert_envelope(globex.post(f"/workflows/{workflow_id}/publish"), 404, "not_found")
    assert_envelope(globex.post(f"/workflows/{workflow_id}/runs", json={"input": {}}), 404, "not_found")
    assert_envelope(globex.post(f"/runs/{run_id}/cancel"), 404, "not_found")
    assert_envelope(globex.post(f"/runs/{run_id}/rerun"), 404, "not_found")
    assert acme.get(f"/workflows/{workflow_id}").json()["version"] == 1
    assert acme.get(f"/runs/{run_id}").json()["status"] == "SUCCEEDED"

    # The same id in another tenant is another workflow with its own state machine
    globex.create(document)
    assert (
        globex.publish(workflow_id)["state_machine_arn"]
        != acme.get(f"/workflows/{workflow_id}").json()["environments"]["dev"]["state_machine_arn"]
    )


def test_a_cursor_from_another_tenant_is_refused(acme: Api, globex: Api, acme_run: tuple[str, str]) -> None:
    acme.start(acme_run[0], {})
    cursor = acme.get("/runs", params={"limit": 1}).json()["next_cursor"]
    assert cursor
    assert_envelope(globex.get("/runs", params={"limit": 1, "cursor": cursor}), 400, "invalid_cursor")


def test_the_tenant_comes_from_the_token_not_the_body(acme: Api, globex: Api) -> None:
    document = {**example("hello-world", unique("smuggled")), "tenant": "globex"}
    assert_envelope(acme.post("/workflows", json=document), 422, "invalid_workflow")
    assert acme.get("/me").json()["tenant_id"] == "acme"
