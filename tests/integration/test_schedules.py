"""Schedules: publishing a schedule trigger creates an EventBridge Scheduler schedule; its times start runs once."""

from __future__ import annotations

from datetime import UTC, datetime

from integration.helpers import Api, PlatformHandle, assert_envelope, unique


def _scheduled(workflow_id: str, expression: str, timezone: str = "UTC") -> dict[str, object]:
    return {
        "id": workflow_id,
        "name": "Weekday report",
        "trigger": {
            "type": "schedule",
            "expression": expression,
            "timezone": timezone,
            "payload": {"report": "daily"},
        },
        "nodes": [
            {
                "id": "echo",
                "type": "data.transform",
                "params": {"output": {"report": "{{ $trigger.report }}"}},
            }
        ],
        "edges": [],
    }


def _runs(api: Api, workflow_id: str) -> list[dict[str, object]]:
    return list(api.get("/runs", params={"workflow_id": workflow_id, "limit": 200}).json()["items"])


def test_a_published_schedule_fires_at_its_times_once_each(handle: PlatformHandle) -> None:
    # Given a weekday 09:00 Paris schedule published to dev
    api = handle.client(unique("scheduled"))
    workflow_id = unique("report")
    api.create(_scheduled(workflow_id, "cron(0 9 ? * MON-FRI *)", "Europe/Paris"))
    api.publish(workflow_id)

    # When the scheduler runs over Friday 20 to Tuesday 24 November 2026 morning, twice
    since, until = datetime(2026, 11, 20, 0, 0, tzinfo=UTC), datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    handle.platform.scheduler.tick(until, since=since)
    handle.platform.scheduler.tick(until, since=since)  # Scheduler delivers at least once

    # Then Friday's and Monday's 09:00 Paris (08:00 UTC) each started one run with the payload
    runs = _runs(api, workflow_id)
    assert len(runs) == 2
    assert {run["trigger"] for run in runs} == {"schedule"}
    finished = [api.wait_finished(str(run["id"])) for run in runs]
    assert [run["output"] for run in finished] == [{"report": "daily"}, {"report": "daily"}]


def test_a_schedule_in_another_environment_is_its_own(handle: PlatformHandle) -> None:
    api = handle.client(unique("scheduled"))
    workflow_id = unique("hourly")
    api.create(_scheduled(workflow_id, "cron(0 * * * ? 2030)"))  # only in 2030: other tests' ticks miss it
    api.publish(workflow_id)
    api.post(f"/workflows/{workflow_id}/promote", json={"from": "dev", "to": "prod"})

    handle.platform.scheduler.tick(
        datetime(2030, 1, 1, 3, 0, tzinfo=UTC), since=datetime(2030, 1, 1, 0, 30, tzinfo=UTC)
    )

    environments = sorted(str(run["environment"]) for run in _runs(api, workflow_id))
    assert environments == ["dev", "dev", "dev", "prod", "prod", "prod"]


def test_a_paused_workflow_skips_its_scheduled_times(handle: PlatformHandle) -> None:
    api = handle.client(unique("scheduled"))
    workflow_id = unique("paused")
    api.create(_scheduled(workflow_id, "cron(0 * * * ? 2030)"))
    api.publish(workflow_id)
    api.put(f"/flags/workflow/{workflow_id}", json={"action": "pause", "reason": "Holiday"})

    fired = handle.platform.scheduler.tick(
        datetime(2030, 1, 2, 2, 0, tzinfo=UTC), since=datetime(2030, 1, 2, 0, 30, tzinfo=UTC)
    )

    mine = [moment for name, moment in fired if name.endswith(f"-{workflow_id}-dev")]
    assert mine == [datetime(2030, 1, 2, 1, 0, tzinfo=UTC), datetime(2030, 1, 2, 2, 0, tzinfo=UTC)]
    assert _runs(api, workflow_id) == []


def test_an_invalid_schedule_is_refused_before_publishing(acme: Api) -> None:
    workflow_id = unique("bad-schedule")
    acme.create(_scheduled(workflow_id, "cron(0 9 * * * *)"))

    error = assert_envelope(acme.post(f"/workflows/{workflow_id}/publish"), 422, "invalid_schedule")

    assert error["details"]["problems"][0]["field"] == "trigger.expression"
    assert acme.get(f"/workflows/{workflow_id}").json()["environments"] == {}
