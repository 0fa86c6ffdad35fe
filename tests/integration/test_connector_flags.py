"""Connector kill switches in `wfaib dev`: a blocked connector's calls fail with BlockedError."""

from __future__ import annotations

from integration.helpers import Api, FakeSlack, PlatformHandle, slack_workflow, unique


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


def _rate_limited_slack(handle: PlatformHandle, slack: FakeSlack, limit: int) -> tuple[Api, str, str]:
    """A tenant of its own (flag reads are cached per function for 10 s) with a Slack workflow and
    a ``rate_limit`` flag on the slack connector, stored as the control plane stores it."""
    from functions.shared import store

    tenant = unique("rate-limit")
    api = handle.client(tenant)
    credential_id = unique("slack")
    api.post(
        "/credentials",
        json={
            "id": credential_id,
            "name": "Slack bot",
            "connector": "slack",
            "value": {"token": "xoxb-c7", "base_url": slack.base_url},
        },
    )
    workflow_id = unique("notify")
    api.create(slack_workflow(workflow_id, credential_id))
    api.publish(workflow_id)
    store.put_flag(
        tenant,
        "connector",
        "slack",
        action="rate_limit",
        reason="Slack allows one message per second",
        set_by="ops@example.com",
        until=None,
        limit_per_minute=limit,
    )
    return api, tenant, workflow_id


def test_a_connector_rate_limit_counts_the_calls_it_lets_through(
    handle: PlatformHandle, slack: FakeSlack
) -> None:
    from functions.shared import keys
    from functions.shared.models import UsageItem

    api, tenant, workflow_id = _rate_limited_slack(handle, slack, limit=1000)

    run = api.wait_finished(api.start(workflow_id, {"name": "Ada"})["id"])

    assert run["status"] == "SUCCEEDED", run
    counters = UsageItem.query(
        keys.tenant_pk(tenant), UsageItem.sk.startswith("USAGE#ratelimit#connector#slack#")
    )
    assert sum(int(item.used or 0) for item in counters) == 1


def test_a_connector_over_its_rate_limit_fails_the_call_after_the_retries(
    handle: PlatformHandle, slack: FakeSlack
) -> None:
    api, _, workflow_id = _rate_limited_slack(handle, slack, limit=0)

    run = api.wait_finished(api.start(workflow_id, {"name": "Bob"})["id"])

    # RateLimitedError is retried with backoff (virtual time), then fails the run, naming the flag.
    assert run["status"] == "FAILED", run
    assert "RateLimitedError" in str(run) and "limited to 0 calls per minute" in str(run), run
    assert slack.received == []
