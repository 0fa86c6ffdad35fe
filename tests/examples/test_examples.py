"""Every example runs locally, on the real runtime, sandbox and connector code, and gives its result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support.asl_validator import validate_with_reference

from state_machines.asl.validator import validate_asl
from state_machines.compiler import compile_workflow
from wfaib.local_run import load_workflow_file, node_catalog, run_workflow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

EXPECTED: dict[str, tuple[str, Any]] = {
    "hello-world": ("SUCCEEDED", {"message": "Hello, Ada!", "length": 11}),
    "order-routing": ("SUCCEEDED", {"order": "ord-1001", "lane": "priority", "sla_hours": 4}),
    "ticket-router": ("SUCCEEDED", {"queue": "billing", "subject": "Invoice is wrong"}),
    "invoice-batch": (
        "SUCCEEDED",
        {
            "lines": [
                {"sku": "A-1", "amount": 19.0},
                {"sku": "B-7", "amount": 120},
                {"sku": "C-3", "amount": 12.5},
            ],
            "total": 151.5,
        },
    ),
    "customer-enrichment": (
        "SUCCEEDED",
        {"email": "ada@example.com", "domain": "example.com", "lifetime_value": 215, "risk": "low"},
    ),
    "reminder": ("SUCCEEDED", {"remind": "Renew the certificate", "at": "2030-01-01T09:00:00Z"}),
    "onboarding": ("SUCCEEDED", {"user": "Grace", "welcome_message": "Hello, Grace!"}),
    "expense-approval": ("SUCCEEDED", {"status": "approved", "amount": 420, "by": "local"}),
    "resilient-import": (
        "SUCCEEDED",
        {
            "imported": False,
            "reason": "ValueError: invalid literal for int() with base 10: 'x'\n"
            "Traceback (code node):\n"
            "  line 2, in main\n"
            "    return [int(r) for r in input['records']]\n"
            "  line 2, in <listcomp>\n"
            "    return [int(r) for r in input['records']]",
        },
    ),
    "stop-on-invalid": ("SUCCEEDED", {"accepted": "ada@example.com"}),
    "paid-orders-report": ("SUCCEEDED", {"paid_orders": 2, "revenue": 85, "countries": ["DE"]}),
}


# Examples that call a provider or AWS API have a test module of their own, with loopback fakes.
OWN_TESTS = {
    "ticket-triage-ai": "test_ticket_triage_ai.py",
    "accept-then-process": "test_accept_then_process.py",
}


def test_every_example_is_covered_and_listed_in_the_readme() -> None:
    names = {path.stem for path in EXAMPLES.glob("*.json")}
    assert names == set(EXPECTED) | set(OWN_TESTS)
    assert all((Path(__file__).parent / module).is_file() for module in OWN_TESTS.values())
    readme = (EXAMPLES / "README.md").read_text()
    assert all(f"`{name}.json`" in readme for name in names)


def test_examples_with_their_own_tests_compile_to_asl_both_validators_accept() -> None:
    """The other examples are golden cases (``tests/golden/cases/example-*``), checked there. These
    two are not: one names connectors the golden test catalog lacks, and the compiled-behaviour test
    runs golden examples without the DynamoDB the other's respond step writes to."""
    definitions: dict[str, Any] = {}
    for name in OWN_TESTS:
        workflow, problems = load_workflow_file(EXAMPLES / f"{name}.json")
        assert workflow is not None and problems == []
        definitions[name] = compile_workflow(workflow, node_catalog()).definition
    ours = {
        name: [d.message for d in validate_asl(json.dumps(definition)) if d.severity == "ERROR"]
        for name, definition in definitions.items()
    }
    assert ours == {name: [] for name in definitions}
    assert validate_with_reference(definitions) == {name: [] for name in definitions}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_runs_locally(name: str) -> None:
    workflow, problems = load_workflow_file(EXAMPLES / f"{name}.json")
    assert workflow is not None and problems == []
    result = run_workflow(workflow, workflow.trigger.sample_input or {}, workflows_dir=EXAMPLES)
    status, output = EXPECTED[name]
    assert (result.info.status, result.info.error) == (status, None), result.info.cause
    assert json.loads(result.info.output or "null") == output
    assert all(step.status in ("succeeded", "caught") for step in result.steps)


def test_a_rejected_approval_follows_the_rejected_output() -> None:
    workflow, _ = load_workflow_file(EXAMPLES / "expense-approval.json")
    assert workflow is not None
    result = run_workflow(workflow, {"amount": 99, "purpose": "x"}, approvals="reject")
    assert json.loads(result.info.output or "null") == {"status": "rejected", "amount": 99}


def test_a_fail_node_ends_the_run_with_its_error() -> None:
    workflow, _ = load_workflow_file(EXAMPLES / "stop-on-invalid.json")
    assert workflow is not None
    result = run_workflow(workflow, {"email": "nobody"})
    assert (result.info.status, result.info.error) == ("FAILED", "InvalidSignup")
    assert result.info.cause == 'No valid email address in {"email":"nobody"}'
