"""``wfaib validate | compile | run`` as a script sees them: output and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


def wfaib(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wfaib", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )


def test_validate_accepts_an_example_and_lists_every_problem_of_a_bad_file(tmp_path: Path) -> None:
    assert wfaib("validate", str(EXAMPLES / "order-routing.json")).returncode == 0
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "id": "bad",
                "name": "Bad",
                "trigger": {"type": "manual"},
                "nodes": [
                    {"id": "a", "type": "nope.nothing"},
                    {"id": "b", "type": "logic.wait", "params": {"x": 1}},
                ],
                "edges": [{"source": "a", "target": "b"}],
            }
        )
    )
    result = wfaib("validate", str(bad), "--json")
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert [(p["code"], p["node"]) for p in report["problems"]] == [
        ("unknown_node_type", "a"),
        ("unknown_param", "b"),
    ]


def test_unreadable_json_is_exit_2_without_a_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json")
    result = wfaib("validate", str(broken))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert "invalid_json" in result.stderr


def test_compile_prints_deterministic_asl() -> None:
    first = wfaib("compile", str(EXAMPLES / "invoice-batch.json"))
    second = wfaib("compile", str(EXAMPLES / "invoice-batch.json"))
    assert first.returncode == 0
    assert first.stdout == second.stdout
    assert json.loads(first.stdout)["States"]["each_line"]["Type"] == "Map"


def test_run_exit_codes_follow_the_run() -> None:
    ok = wfaib("run", str(EXAMPLES / "stop-on-invalid.json"), "--json")
    assert ok.returncode == 0
    assert json.loads(ok.stdout)["output"] == {"accepted": "ada@example.com"}
    failed = wfaib("run", str(EXAMPLES / "stop-on-invalid.json"), "--input", '{"email": "x"}', "--json")
    assert failed.returncode == 1
    report = json.loads(failed.stdout)
    assert (report["status"], report["error"]) == ("FAILED", "InvalidSignup")
    assert [step["state"] for step in report["steps"]] == ["has_email", "invalid"]
    invalid = wfaib("run", str(EXAMPLES / "stop-on-invalid.json"), "--input", "{nope")
    assert invalid.returncode == 2


def test_run_prints_a_timeline_table() -> None:
    result = wfaib("run", str(EXAMPLES / "hello-world.json"))
    assert result.returncode == 0
    assert "greet" in result.stdout and "SUCCEEDED" in result.stdout


def test_run_gives_connector_steps_the_credentials_passed_and_names_a_missing_one(tmp_path: Path) -> None:
    from integration.helpers import FakeSlack, slack_workflow

    workflow = tmp_path / "notify.json"
    workflow.write_text(json.dumps(slack_workflow("notify", "slack-bot")))
    slack = FakeSlack()
    try:
        credentials = tmp_path / "credentials.json"
        credentials.write_text(json.dumps({"slack-bot": {"token": "xoxb-local", "base_url": slack.base_url}}))
        given = wfaib(
            "run", str(workflow), "--input", '{"name": "Ada"}', "--credentials", f"@{credentials}", "--json"
        )
        missing = wfaib("run", str(workflow), "--json")
        malformed = wfaib("run", str(workflow), "--credentials", '{"slack-bot": "xoxb"}')
    finally:
        slack.close()

    assert given.returncode == 0, given.stderr
    assert json.loads(given.stdout)["status"] == "SUCCEEDED"
    [sent] = slack.received
    assert (sent["headers"]["Authorization"], sent["body"]["text"]) == ("Bearer xoxb-local", "Hi Ada")
    assert missing.returncode == 1
    report = json.loads(missing.stdout)
    assert report["error"] == "AuthError"
    assert "'slack-bot' was not given to this local run" in report["cause"]
    assert malformed.returncode == 2 and "--credentials" in malformed.stderr


def test_run_emulates_aws_for_aws_native_steps() -> None:
    # webhook.respond writes its answer with a DynamoDB service integration: emulated, never a real account.
    result = wfaib("run", str(EXAMPLES / "accept-then-process.json"), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["output"]["state"] == "processed"
    assert any(step["state"] == "accepted" and step["status"] == "succeeded" for step in report["steps"])
