"""Redrive over HTTP: a failed run goes on from the step that failed, keeping what succeeded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.flaky_upstream import FlakyUpstream, stock_check_workflow

from integration.helpers import Api, PlatformHandle, assert_envelope, example, unique


@pytest.fixture
def upstream() -> Iterator[FlakyUpstream]:
    fake = FlakyUpstream()
    yield fake
    fake.close()


def test_a_failed_run_redriven_goes_on_from_the_failed_step(acme: Api, upstream: FlakyUpstream) -> None:
    workflow_id = unique("stock")
    acme.create(stock_check_workflow(workflow_id, upstream.url))
    acme.publish(workflow_id)
    failed = acme.wait_finished(acme.start(workflow_id, {"sku": "A1"})["id"])
    assert failed["status"] == "FAILED", failed
    calls_before = upstream.calls

    upstream.healthy = True
    redriven = acme.post(f"/runs/{failed['id']}/redrive")
    finished = acme.wait_finished(failed["id"])

    assert redriven.status_code == 200, redriven.text
    assert redriven.json()["id"] == failed["id"]
    assert finished["status"] == "SUCCEEDED", finished
    assert finished["output"] == {"stock": 7}
    assert upstream.calls == calls_before + 1  # only the failed step ran again
    # The timeline shows the failed attempt and the redriven one; the first step ran once.
    assert [(step["nodes"], step["status"]) for step in finished["steps"]] == [
        (["order"], "succeeded"),
        (["stock", "answer"], "failed"),
        (["stock", "answer"], "succeeded"),
    ]
    audit = acme.get("/audit").json()["items"]
    assert any(e["action"] == "run.redrive" and e["resource"] == f"run/{failed['id']}" for e in audit)


def test_only_failed_runs_can_be_redriven(acme: Api) -> None:
    workflow_id = unique("hello")
    acme.create(example("hello-world", workflow_id))
    acme.publish(workflow_id)
    succeeded = acme.wait_finished(acme.start(workflow_id, {"name": "Ada"})["id"])

    refused = acme.post(f"/runs/{succeeded['id']}/redrive")

    assert_envelope(refused, 409, "run_not_redrivable")
    assert "SUCCEEDED" in refused.json()["error"]["message"]


def test_redrive_needs_run_replay_and_stays_in_the_tenant(
    acme: Api, globex: Api, handle: PlatformHandle, upstream: FlakyUpstream
) -> None:
    workflow_id = unique("stock")
    acme.create(stock_check_workflow(workflow_id, upstream.url))
    acme.publish(workflow_id)
    failed = acme.wait_finished(acme.start(workflow_id, {})["id"])

    assert_envelope(handle.client("acme", "viewer").post(f"/runs/{failed['id']}/redrive"), 403)
    assert_envelope(globex.post(f"/runs/{failed['id']}/redrive"), 404, "not_found")
    assert acme.get(f"/runs/{failed['id']}").json()["status"] == "FAILED"


def test_the_cli_redrives_and_waits(acme: Api, handle: PlatformHandle, upstream: FlakyUpstream) -> None:
    from typer.testing import CliRunner

    from wfaib.cli import app

    workflow_id = unique("stock")
    acme.create(stock_check_workflow(workflow_id, upstream.url))
    acme.publish(workflow_id)
    failed = acme.wait_finished(acme.start(workflow_id, {})["id"])
    upstream.healthy = True
    env = {
        "WFAIB_API_URL": handle.platform.api_url,
        "WFAIB_TOKEN": handle.platform.token("acme", "o@acme.test", "owner"),
    }

    result = CliRunner().invoke(
        app, ["runs", "redrive", failed["id"], "--wait", "--interval", "0.05"], env=env
    )

    assert result.exit_code == 0, result.output
    assert "SUCCEEDED" in result.stdout
