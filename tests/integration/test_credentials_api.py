"""Credentials over HTTP: write-only values in Secrets Manager, used by connectors at run time."""

from __future__ import annotations

from integration.helpers import Api, FakeSlack, PlatformHandle, assert_envelope, slack_workflow, unique

SECRET = "xoxb-top-secret-value"


def _create(
    api: Api, credential_id: str, token: str, base_url: str = "http://127.0.0.1:9/api"
) -> dict[str, object]:
    response = api.post(
        "/credentials",
        json={
            "id": credential_id,
            "name": "Slack bot",
            "connector": "slack",
            "value": {"token": token, "base_url": base_url},
        },
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_credential_value_is_write_only(acme: Api) -> None:
    credential_id = unique("slack")
    created = _create(acme, credential_id, SECRET)
    listed = acme.get("/credentials")
    fetched = acme.get(f"/credentials/{credential_id}")
    rotated = acme.put(f"/credentials/{credential_id}", json={"value": {"token": SECRET + "-2"}})

    assert set(created) == {"id", "name", "connector", "created_at", "created_by", "rotated_at"}
    assert credential_id in {item["id"] for item in listed.json()}
    assert fetched.json()["rotated_at"] is None
    assert rotated.status_code == 200 and rotated.json()["rotated_at"] is not None
    for response in (listed, fetched, rotated):
        assert SECRET not in response.text
    audit = acme.get("/audit", params={"limit": 200}).text
    assert f"credential/{credential_id}" in audit and SECRET not in audit


def test_credentials_are_checked_against_the_connector_and_ids_are_unique(acme: Api) -> None:
    credential_id = unique("slack")
    _create(acme, credential_id, SECRET)

    duplicate = acme.post(
        "/credentials", json={"id": credential_id, "name": "x", "connector": "slack", "value": {"token": "t"}}
    )
    wrong_shape = acme.post(
        "/credentials",
        json={"id": unique("bad"), "name": "x", "connector": "slack", "value": {"password": SECRET}},
    )
    unknown = acme.post(
        "/credentials", json={"id": unique("bad"), "name": "x", "connector": "nope", "value": {}}
    )

    assert_envelope(duplicate, 409, "already_exists")
    assert_envelope(wrong_shape, 422, "invalid_credential")
    assert SECRET not in wrong_shape.text
    assert_envelope(unknown, 422, "unknown_connector")


def test_deleting_a_credential_removes_it(acme: Api) -> None:
    credential_id = unique("slack")
    _create(acme, credential_id, SECRET)

    assert acme.delete(f"/credentials/{credential_id}").status_code == 204
    assert_envelope(acme.get(f"/credentials/{credential_id}"), 404, "not_found")
    _create(acme, credential_id, SECRET)  # the id is free again


def test_roles_and_tenants_for_credentials(handle: PlatformHandle, acme: Api, globex: Api) -> None:
    credential_id = unique("slack")
    _create(acme, credential_id, SECRET)
    viewer = handle.client("acme", "viewer")

    assert_envelope(viewer.get("/credentials"), 403, "forbidden")
    assert_envelope(
        viewer.post("/credentials", json={"id": "x", "name": "x", "connector": "slack", "value": {}}), 403
    )
    assert handle.client("acme", "member").get(f"/credentials/{credential_id}").status_code == 200
    assert_envelope(globex.get(f"/credentials/{credential_id}"), 404, "not_found")
    assert_envelope(globex.put(f"/credentials/{credential_id}", json={"value": {"token": "stolen"}}), 404)
    assert_envelope(globex.delete(f"/credentials/{credential_id}"), 404, "not_found")
    assert credential_id not in globex.get("/credentials").text


def test_a_run_uses_the_credential_by_reference_and_never_shows_it(
    acme: Api, globex: Api, slack: FakeSlack
) -> None:
    # Given a Slack credential pointing at a fake Slack, and a workflow that posts with it
    credential_id = unique("slack")
    _create(acme, credential_id, SECRET, slack.base_url)
    workflow_id = unique("notify")
    acme.create(slack_workflow(workflow_id, credential_id))
    acme.publish(workflow_id)

    # When it runs
    run = acme.wait_finished(acme.start(workflow_id, {"name": "Ada"})["id"])

    # Then Slack got the token and the message, and the run shows neither the token nor where it is kept
    assert run["status"] == "SUCCEEDED", run
    [request] = slack.received
    assert request["path"] == "/api/chat.postMessage"
    assert request["headers"]["Authorization"] == f"Bearer {SECRET}"
    assert request["body"] == {"channel": "C1", "text": "Hi Ada"}
    assert run["output"] == {"channel": "C1", "ts": "1700000000.000001"}
    assert SECRET not in str(run)

    # And another tenant's workflow naming the same credential id cannot reach it
    globex.create(slack_workflow(workflow_id, credential_id))
    globex.publish(workflow_id)
    theirs = globex.wait_finished(globex.start(workflow_id, {"name": "Eve"})["id"])
    assert theirs["status"] == "FAILED"
    assert len(slack.received) == 1


def test_a_credential_secret_is_tagged_with_its_tenant_and_connector(
    acme: Api, handle: PlatformHandle
) -> None:
    # In AWS a connector's role may read only secrets tagged with its own connector id.
    import boto3

    from cdk.manifest import CONNECTOR_TAG

    credential_id = unique("slack")
    _create(acme, credential_id, SECRET)
    client = boto3.client(
        "secretsmanager",
        endpoint_url=handle.platform.aws_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    name = f"{handle.platform.settings.credential_prefix}acme/{credential_id}"
    secret = client.describe_secret(SecretId=name)

    assert {tag["Key"]: tag["Value"] for tag in secret["Tags"]} == {
        "wfaib:tenant": "acme",
        CONNECTOR_TAG: "slack",
    }
