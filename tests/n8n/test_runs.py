"""An imported workflow runs on the local ASL runtime and answers what the n8n workflow would."""

from __future__ import annotations

import json

import pytest

from n8n.helpers import imported, links, n8n_node, workflow
from state_machines.model import Workflow
from wfaib.local_run import run_workflow

ORDER_FLOW = workflow(
    n8n_node("Start", "manualTrigger"),
    n8n_node(
        "Double",
        "set",
        {
            "includeOtherFields": True,
            "assignments": {
                "assignments": [
                    {"name": "x", "type": "number", "value": "={{ $json.a * 2 }}"},
                    {
                        "name": "day",
                        "type": "string",
                        "value": "={{ DateTime.fromISO($json.at).toFormat('yyyy-MM-dd') }}",
                    },
                ]
            },
        },
        typeVersion=3.4,
    ),
    n8n_node(
        "Big?",
        "if",
        {
            "conditions": {
                "conditions": [
                    {
                        "leftValue": "={{ $json.x }}",
                        "rightValue": 5,
                        "operator": {"type": "number", "operation": "gt"},
                    }
                ]
            }
        },
        typeVersion=2,
    ),
    n8n_node(
        "Big",
        "set",
        {
            "assignments": {
                "assignments": [
                    {
                        "name": "size",
                        "type": "string",
                        "value": "=big {{ $('Double').item.json.x }} on {{ $json.day }}",
                    }
                ]
            }
        },
        typeVersion=3.4,
    ),
    n8n_node(
        "Small",
        "set",
        {"assignments": {"assignments": [{"name": "size", "type": "string", "value": "small"}]}},
        typeVersion=3.4,
    ),
    connections=links(("Start", "Double"), ("Double", "Big?"), ("Big?", "Big", 0), ("Big?", "Small", 1)),
)


@pytest.mark.parametrize(
    ("run_input", "output"),
    [
        ({"a": 4, "at": "2024-05-06T10:00:00Z"}, {"size": "big 8 on 2024-05-06"}),
        ({"a": 1, "at": "2024-05-06"}, {"size": "small"}),
    ],
)
def test_the_imported_workflow_runs_and_branches_like_n8n(
    run_input: dict[str, object], output: dict[str, str]
) -> None:
    result = imported(ORDER_FLOW)
    assert result.report.complete
    run = run_workflow(Workflow.model_validate(result.workflow), run_input)
    assert run.info.status == "SUCCEEDED"
    assert json.loads(str(run.info.output)) == output


def test_n8n_python_code_runs_in_the_sandbox_with_its_input_helpers() -> None:
    code = "out = []\nfor item in _input.all():\n    item.json.double = item.json.n * 2\n    out.append(item)\nreturn out"
    result = imported(
        workflow(
            n8n_node("Start", "manualTrigger"),
            n8n_node("Py", "code", {"language": "python", "pythonCode": code}, typeVersion=2),
            connections=links(("Start", "Py")),
        )
    )
    run = run_workflow(Workflow.model_validate(result.workflow), [{"n": 1}, {"n": 3}])
    assert run.info.status == "SUCCEEDED"
    assert json.loads(str(run.info.output)) == [{"n": 1, "double": 2}, {"n": 3, "double": 6}]
