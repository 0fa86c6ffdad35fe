"""Connector kill switches in `wfaib dev`: a blocked connector's calls fail with BlockedError."""

from __future__ import annotations

from integration.helpers import FakeSlack, PlatformHandle, slack_workflow, unique


def test_a_connector_flag_blocks_its_calls_inside_runs(handle: PlatformHandle, slack: FakeSlack) -> None:
    # A tenant of its own: connector functions cache flag reads (10 s), as in AWS.
    api = handle.client(unique("connector-flags"))
    credential_id = unique("slack")
    api.post(
        "/credentials",
        json={
            "id": credential_id,
            "name": "Slack bot",
            "connector": "slack",
            "value": {"token": "xoxb-c6", "base_url": slack.base_url},
        },
    )
    workflow_id = unique("notify")
    api.create(slack_workflow(workflow_id, credential_id))
    api.publish(workflow_id)
    assert (
        api.put("/flags/connector/slack", json={"action": "block", "reason": "Leaked token"}).status_code
        == 200
    )

    run = api.wait_finished(api.start(workflow_id, {"name": "Ada"})["id"])

    assert run["status"] == "FAILED", run
    assert "BlockedError" in str(run) and "Leaked token" in str(run), run
    assert slack.received == []
