"""``wfaib runs`` and ``wfaib logs`` against the local platform over real HTTP."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from integration.helpers import PlatformHandle, example, unique
from wfaib.cli import app

runner = CliRunner()


@pytest.fixture
def cli_env(handle: PlatformHandle, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    # The platform runs in this process: its metric lines would land in the output CliRunner captures.
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    token = handle.platform.token("clitenant", "owner@clitenant.test", "owner")
    return {"WFAIB_API_URL": handle.platform.api_url, "WFAIB_TOKEN": token}


@pytest.fixture
def published(handle: PlatformHandle) -> str:
    api = handle.client("clitenant")
    workflow_id = unique("cli-hello")
    api.create(example("hello-world", workflow_id))
    api.publish(workflow_id)
    return workflow_id


def test_start_and_wait_prints_the_timeline_and_exits_0(cli_env: dict[str, str], published: str) -> None:
    result = runner.invoke(
        app,
        [
            "runs",
            "start",
            published,
            "--input",
            '{"name": "Grace"}',
            "--wait",
            "--interval",
            "0.05",
            "--json",
        ],
        env=cli_env,
    )

    assert result.exit_code == 0, result.output
    run = json.loads(result.stdout)
    assert run["status"] == "SUCCEEDED"
    assert run["output"]["message"] == "Hello, Grace!"
    assert [step["nodes"] for step in run["steps"]] == [["greet", "shape"]]


def test_a_failed_run_waited_for_exits_1(cli_env: dict[str, str], handle: PlatformHandle) -> None:
    api = handle.client("clitenant")
    workflow_id = unique("cli-stop")
    api.create(example("stop-on-invalid", workflow_id))
    api.publish(workflow_id)

    result = runner.invoke(
        app,
        ["runs", "start", workflow_id, "--input", '{"email": "nope"}', "--wait", "--interval", "0.05"],
        env=cli_env,
    )

    assert result.exit_code == 1, result.output
    assert "FAILED" in result.stdout


def test_list_show_and_logs_read_the_same_run(
    cli_env: dict[str, str], published: str, handle: PlatformHandle
) -> None:
    api = handle.client("clitenant")
    run_id = api.start(published, {"name": "Ada"})["id"]
    api.wait_finished(run_id)

    listed = runner.invoke(app, ["runs", "list", "--workflow", published, "--json"], env=cli_env)
    shown = runner.invoke(app, ["runs", "show", run_id], env=cli_env)
    logged = runner.invoke(app, ["logs", run_id, "--follow", "--interval", "0.05"], env=cli_env)

    assert listed.exit_code == 0, listed.output
    assert run_id in [item["id"] for item in json.loads(listed.stdout)["items"]]
    assert shown.exit_code == 0, shown.output
    assert "Hello, Ada!" in shown.stdout and "greet, shape" in shown.stdout
    assert logged.exit_code == 0, logged.output
    lines = logged.stdout.strip().splitlines()
    [step_line, final_line] = lines
    assert step_line.split(" ", 1)[1].startswith("greet [greet, shape] succeeded")
    assert step_line.endswith('{"length": 11, "message": "Hello, Ada!"}')
    assert final_line.startswith(f"run {run_id} SUCCEEDED")


def test_rerun_starts_a_new_run_with_the_same_input(
    cli_env: dict[str, str], published: str, handle: PlatformHandle
) -> None:
    api = handle.client("clitenant")
    first = api.start(published, {"name": "Lin"})["id"]
    api.wait_finished(first)

    result = runner.invoke(app, ["runs", "rerun", first], env=cli_env)

    assert result.exit_code == 0, result.output
    new_id = result.stdout.split()[2]
    assert new_id != first
    assert api.wait_finished(new_id)["input"] == {"name": "Lin"}


def test_api_refusals_exit_2_with_the_envelope_message(cli_env: dict[str, str]) -> None:
    missing = runner.invoke(app, ["runs", "show", "0" * 26], env=cli_env)
    malformed = runner.invoke(app, ["runs", "show", "no-such-run"], env=cli_env)
    unpublished = runner.invoke(app, ["runs", "start", unique("never-made")], env=cli_env)

    assert missing.exit_code == 2
    assert "0" * 26 in missing.stderr and "404" in missing.stderr
    assert malformed.exit_code == 2
    assert "422" in malformed.stderr and "run_id" in malformed.stderr
    assert unpublished.exit_code == 2 and "404" in unpublished.stderr
    assert "Traceback" not in missing.output + unpublished.output


def test_missing_credentials_or_unreachable_api_exit_2(cli_env: dict[str, str]) -> None:
    no_token = runner.invoke(
        app, ["runs", "list"], env={"WFAIB_API_URL": cli_env["WFAIB_API_URL"], "WFAIB_TOKEN": ""}
    )
    unreachable = runner.invoke(
        app, ["runs", "list"], env={"WFAIB_API_URL": "http://127.0.0.1:9/api", "WFAIB_TOKEN": "t"}
    )
    bad_token = runner.invoke(app, ["runs", "list"], env={**cli_env, "WFAIB_TOKEN": "not-a-token"})

    assert no_token.exit_code == 2 and "wfaib token" in no_token.stderr
    assert unreachable.exit_code == 2 and "Cannot reach the API" in unreachable.stderr
    assert bad_token.exit_code == 2 and "401" in bad_token.stderr
