"""State semantics the AWS recordings do not pin down: Map concurrency, tolerated failures,
batching, variable scopes, and timers on the virtual clock."""

from __future__ import annotations

import json
from typing import Any

from state_machines.runtime import LocalRuntime

from .conftest import MACHINE, asl, event_types


def run(runtime: LocalRuntime, definition: str, payload: Any) -> Any:
    return runtime.start_sync_execution(
        state_machine_arn=MACHINE + "s", definition=definition, input=json.dumps(payload), type="STANDARD"
    )


def _seconds(info: Any) -> float:
    return float((info.stop_date - info.start_date).total_seconds())


def _map_of_waits(max_concurrency: int) -> str:
    return asl(
        {
            "Each": {
                "Type": "Map",
                "MaxConcurrency": max_concurrency,
                "ItemProcessor": {
                    "StartAt": "Sleep",
                    "States": {"Sleep": {"Type": "Wait", "Seconds": 10, "End": True}},
                },
                "End": True,
            }
        }
    )


def test_map_max_concurrency_limits_how_many_iterations_run_at_once(runtime: LocalRuntime) -> None:
    unlimited = run(runtime, _map_of_waits(0), [1, 2, 3, 4])
    two_at_a_time = run(runtime, _map_of_waits(2), [1, 2, 3, 4])
    one_at_a_time = run(runtime, _map_of_waits(1), [1, 2, 3, 4])

    assert [_seconds(unlimited), _seconds(two_at_a_time), _seconds(one_at_a_time)] == [10, 20, 40]
    assert json.loads(one_at_a_time.output) == [1, 2, 3, 4]


def _map_with_failures(tolerated: int) -> str:
    return asl(
        {
            "Each": {
                "Type": "Map",
                "ToleratedFailureCount": tolerated,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Check",
                    "States": {
                        "Check": {
                            "Type": "Choice",
                            "Choices": [{"Variable": "$.ok", "BooleanEquals": False, "Next": "Broken"}],
                            "Default": "Fine",
                        },
                        "Broken": {"Type": "Fail", "Error": "ItemBroken", "Cause": "bad item"},
                        "Fine": {"Type": "Pass", "End": True},
                    },
                },
                "End": True,
            }
        }
    )


def test_tolerated_failure_count_lets_a_map_succeed_with_some_failed_items(runtime: LocalRuntime) -> None:
    items = [{"ok": True}, {"ok": False}, {"ok": True}]

    tolerated = run(runtime, _map_with_failures(1), items)
    exceeded = run(runtime, _map_with_failures(0), [*items, {"ok": False}])

    assert tolerated.status == "SUCCEEDED"
    assert "MapRunSucceeded" in event_types(runtime, tolerated.execution_arn)
    assert exceeded.status == "FAILED"
    assert exceeded.error == "ItemBroken"


def test_tolerance_exceeded_reports_the_threshold_error(runtime: LocalRuntime) -> None:
    items = [{"ok": False}, {"ok": False}, {"ok": True}]

    info = run(runtime, _map_with_failures(1), items)

    assert info.status == "FAILED"
    assert info.error == "States.ExceedToleratedFailureThreshold"


def test_item_batcher_groups_items_with_the_batch_input(runtime: LocalRuntime) -> None:
    definition = asl(
        {
            "Batches": {
                "Type": "Map",
                "ItemsPath": "$.rows",
                "ItemBatcher": {"MaxItemsPerBatch": 2, "BatchInput": {"table.$": "$.table"}},
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                    "StartAt": "Count",
                    "States": {
                        "Count": {
                            "Type": "Pass",
                            "Parameters": {
                                "table.$": "$.BatchInput.table",
                                "n.$": "States.ArrayLength($.Items)",
                            },
                            "End": True,
                        }
                    },
                },
                "End": True,
            }
        }
    )

    info = run(runtime, definition, {"table": "t1", "rows": [1, 2, 3, 4, 5]})

    assert json.loads(info.output) == [
        {"table": "t1", "n": 2},
        {"table": "t1", "n": 2},
        {"table": "t1", "n": 1},
    ]


def test_variables_flow_into_map_iterations_but_not_out(runtime: LocalRuntime) -> None:
    definition = json.dumps(
        {
            "QueryLanguage": "JSONata",
            "StartAt": "Set",
            "States": {
                "Set": {"Type": "Pass", "Assign": {"factor": 10, "inner": "outer"}, "Next": "Each"},
                "Each": {
                    "Type": "Map",
                    "Items": "{% $states.input.items %}",
                    "ItemProcessor": {
                        "StartAt": "Scale",
                        "States": {
                            "Scale": {
                                "Type": "Pass",
                                "Assign": {"inner": "{% 'iteration ' & $string($states.input) %}"},
                                "Output": "{% $states.input * $factor %}",
                                "Next": "Read",
                            },
                            "Read": {"Type": "Pass", "Output": "{% [$states.input, $inner] %}", "End": True},
                        },
                    },
                    "Next": "After",
                },
                "After": {
                    "Type": "Pass",
                    "Output": "{% {'results': $states.input, 'inner': $inner} %}",
                    "End": True,
                },
            },
        }
    )

    info = run(runtime, definition, {"items": [1, 2]})

    assert json.loads(info.output) == {
        "results": [[10, "iteration 1"], [20, "iteration 2"]],
        "inner": "outer",
    }


def test_output_path_and_assign_see_variables_from_before_the_state(runtime: LocalRuntime) -> None:
    definition = asl(
        {
            "Init": {"Type": "Pass", "Assign": {"v": "old"}, "Next": "Change"},
            "Change": {
                "Type": "Pass",
                "Assign": {"v": "new", "seen.$": "$v"},
                "Parameters": {"during.$": "$v"},
                "Next": "Show",
            },
            "Show": {
                "Type": "Pass",
                "Parameters": {"during.$": "$.during", "after.$": "$v", "seen.$": "$seen"},
                "End": True,
            },
        }
    )

    info = run(runtime, definition, {})

    assert json.loads(info.output) == {"during": "old", "after": "new", "seen": "old"}


def test_day_long_waits_and_timestamps_finish_at_once_on_the_virtual_clock(runtime: LocalRuntime) -> None:
    definition = asl(
        {
            "Day": {"Type": "Wait", "Seconds": 86400, "Next": "Until"},
            "Until": {"Type": "Wait", "TimestampPath": "$.until", "End": True},
        }
    )

    info = run(runtime, definition, {"until": "2026-03-01T00:00:00Z"})

    assert info.status == "SUCCEEDED"
    assert info.stop_date.isoformat() == "2026-03-01T00:00:00+00:00"


def test_parallel_branch_failure_is_caught_with_the_branch_error(runtime: LocalRuntime) -> None:
    definition = asl(
        {
            "Both": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "Slow", "States": {"Slow": {"Type": "Wait", "Seconds": 60, "End": True}}},
                    {
                        "StartAt": "Bad",
                        "States": {"Bad": {"Type": "Fail", "Error": "BranchFailed", "Cause": "why"}},
                    },
                ],
                "Catch": [{"ErrorEquals": ["BranchFailed"], "ResultPath": "$.err", "Next": "Recovered"}],
                "End": True,
            },
            "Recovered": {"Type": "Pass", "End": True},
        }
    )

    info = run(runtime, definition, {"x": 1})

    assert json.loads(info.output) == {"x": 1, "err": {"Error": "BranchFailed", "Cause": "why"}}
    assert _seconds(info) == 0
    types = event_types(runtime, info.execution_arn)
    assert types[types.index("ParallelStateFailed") + 1] == "ParallelStateExited"


class S3Objects:
    """A stand-in for the boto3 service caller that serves S3 objects from a dict."""

    def __init__(self, objects: dict[str, str]) -> None:
        self.objects = objects

    async def __call__(self, resource_arn: str, arguments: dict[str, Any], invocation: Any) -> Any:
        if resource_arn == "arn:aws:states:::aws-sdk:s3:listObjectsV2":
            return {
                "Contents": [{"Key": key, "Size": len(body)} for key, body in sorted(self.objects.items())]
            }
        assert resource_arn == "arn:aws:states:::aws-sdk:s3:getObject"
        return {"Body": self.objects[arguments["Key"]]}


def _reader_map(reader: dict[str, Any]) -> str:
    return asl(
        {
            "Each": {
                "Type": "Map",
                "ItemReader": reader,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                    "StartAt": "Echo",
                    "States": {"Echo": {"Type": "Pass", "End": True}},
                },
                "End": True,
            }
        }
    )


def test_distributed_map_reads_csv_jsonl_and_listings_from_s3() -> None:
    caller = S3Objects({"rows.csv": "id,name\n1,ann\n2,bob\n", "rows.jsonl": '{"a": 1}\n{"a": 2}\n'})
    csv_map = _reader_map(
        {
            "Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
            "Parameters": {"Bucket": "b", "Key.$": "$.key"},
        }
    )
    jsonl_map = _reader_map(
        {
            "Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "JSONL", "MaxItems": 1},
            "Parameters": {"Bucket": "b", "Key": "rows.jsonl"},
        }
    )
    listing = _reader_map({"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "b"}})

    with LocalRuntime(service_caller=caller) as rt:
        rows = run(rt, csv_map, {"key": "rows.csv"})
        lines = run(rt, jsonl_map, {})
        keys = run(rt, listing, {})

    assert json.loads(rows.output) == [{"id": "1", "name": "ann"}, {"id": "2", "name": "bob"}]
    assert json.loads(lines.output) == [{"a": 1}]
    assert [item["Key"] for item in json.loads(keys.output)] == ["rows.csv", "rows.jsonl"]


def test_jsonata_evaluation_errors_record_an_evaluation_failed_event(runtime: LocalRuntime) -> None:
    definition = json.dumps(
        {
            "QueryLanguage": "JSONata",
            "StartAt": "Shape",
            "States": {"Shape": {"Type": "Pass", "Output": {"total": "{% $missing %}"}, "End": True}},
        }
    )

    info = run(runtime, definition, {})

    assert info.status == "FAILED" and info.error == "States.QueryEvaluationError"
    assert info.cause.startswith(
        "An error occurred while executing the state 'Shape' (entered at the event id #2)."
    )
    failed = next(
        e for e in runtime.get_execution_history(info.execution_arn) if e["type"] == "EvaluationFailed"
    )
    assert failed["evaluationFailedEventDetails"]["state"] == "Shape"
    assert failed["evaluationFailedEventDetails"]["location"] == "Output/total"
