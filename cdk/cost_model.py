"""The monthly AWS cost of running workflows, as a model a reader can check line by line.

``docs/deploy.md`` prints the table ``python -m cdk.cost_model`` renders (a test keeps them
equal). Prices are AWS list prices in us-east-1 without free tiers; every assumption about a run
is a field of ``Workload``. Fixed monthly costs (WAF, KMS keys, alarms, dashboard) are listed
separately because they do not grow with runs.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "PRICES",
    "WORKLOADS",
    "Prices",
    "Workload",
    "cost_per_run",
    "fixed_monthly_cost",
    "render_markdown",
]

WorkflowType = Literal["Standard", "Express"]
RUNS_PER_MONTH: tuple[int, ...] = (10_000, 100_000, 1_000_000)


@dataclass(frozen=True)
class Prices:
    """List prices, us-east-1, USD."""

    sfn_standard_per_transition: float = 0.025 / 1_000
    sfn_express_per_request: float = 1.00 / 1_000_000
    sfn_express_per_gb_second: float = 0.00001667
    lambda_arm_per_gb_second: float = 0.0000133334
    lambda_per_request: float = 0.20 / 1_000_000
    dynamodb_per_write_unit: float = 0.625 / 1_000_000
    dynamodb_per_read_unit: float = 0.125 / 1_000_000
    api_gateway_rest_per_request: float = 3.50 / 1_000_000
    logs_per_gb_ingested: float = 0.50
    waf_web_acl_per_month: float = 5.00
    waf_rule_per_month: float = 1.00
    waf_per_request: float = 0.60 / 1_000_000
    kms_key_per_month: float = 1.00
    secret_per_month: float = 0.40
    alarm_per_month: float = 0.10
    dashboard_per_month: float = 3.00


@dataclass(frozen=True)
class Workload:
    """One run of a workflow started by a webhook."""

    name: str
    connector_actions: int
    folded_steps: int
    transitions: int
    action_ms: int = 200
    action_memory_gb: float = 0.5
    webhook_ms: int = 50
    platform_memory_gb: float = 0.5
    write_units: int = 3  # idempotency record (put + update) and the run record
    read_units: int = 2  # the workflow's trigger config and the idempotency check
    log_kb_per_invocation: float = 1.0
    express_memory_gb: float = 0.0625  # Express bills at least 64 MB

    @property
    def invocations(self) -> int:
        """Connector Lambdas plus the webhook Lambda."""
        return self.connector_actions + 1

    @property
    def express_seconds(self) -> float:
        """Wall time of an Express execution: the actions run one after another."""
        return self.connector_actions * self.action_ms / 1000


WORKLOADS: tuple[Workload, ...] = (
    # Ten steps, all connector actions: the compiler cannot fold anything.
    Workload(name="10 actions", connector_actions=10, folded_steps=0, transitions=12),
    # Ten steps of which seven are data/logic steps folded into their neighbours' states.
    Workload(name="3 actions + 7 data steps", connector_actions=3, folded_steps=7, transitions=4),
)

PRICES = Prices()


def cost_per_run(
    workload: Workload, workflow_type: WorkflowType, prices: Prices = PRICES
) -> dict[str, float]:
    """USD per run, by line item."""
    if workflow_type == "Standard":
        orchestration = workload.transitions * prices.sfn_standard_per_transition
    else:
        gb_seconds = workload.express_memory_gb * max(workload.express_seconds, 0.1)
        orchestration = prices.sfn_express_per_request + gb_seconds * prices.sfn_express_per_gb_second
    lambda_gb_seconds = (
        workload.connector_actions * workload.action_ms / 1000 * workload.action_memory_gb
        + workload.webhook_ms / 1000 * workload.platform_memory_gb
    )
    return {
        f"Step Functions {workflow_type}": orchestration,
        "Lambda": workload.invocations * prices.lambda_per_request
        + lambda_gb_seconds * prices.lambda_arm_per_gb_second,
        "DynamoDB on-demand": workload.write_units * prices.dynamodb_per_write_unit
        + workload.read_units * prices.dynamodb_per_read_unit,
        "API Gateway + WAF": prices.api_gateway_rest_per_request + prices.waf_per_request,
        "CloudWatch Logs": workload.invocations
        * workload.log_kb_per_invocation
        / 1024
        / 1024
        * prices.logs_per_gb_ingested,
    }


def fixed_monthly_cost(
    prices: Prices = PRICES, *, alarms: int = 9, kms_keys: int = 3, waf_rules: int = 4, secrets: int = 1
) -> float:
    """What a deployed stage costs per month with no runs at all (``secrets``: the signing key)."""
    return (
        prices.waf_web_acl_per_month
        + waf_rules * prices.waf_rule_per_month
        + kms_keys * prices.kms_key_per_month
        + secrets * prices.secret_per_month
        + alarms * prices.alarm_per_month
        + prices.dashboard_per_month
    )


def render_markdown() -> str:
    """The cost tables of docs/deploy.md."""
    lines = [
        "| workflow | type | per 1,000 runs | 10k runs/month | 100k runs/month | 1M runs/month |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for workload in WORKLOADS:
        for workflow_type in ("Standard", "Express"):
            per_run = sum(cost_per_run(workload, workflow_type).values())
            monthly = " | ".join(f"${per_run * runs:,.2f}" for runs in RUNS_PER_MONTH)
            lines.append(f"| {workload.name} | {workflow_type} | ${per_run * 1000:.4f} | {monthly} |")
    lines += [
        "",
        "| line item (10 actions, Standard) | per 1,000 runs |",
        "|---|---:|",
    ]
    for item, value in cost_per_run(WORKLOADS[0], "Standard").items():
        lines.append(f"| {item} | ${value * 1000:.4f} |")
    lines += ["", f"Fixed, whatever the number of runs: **${fixed_monthly_cost():.2f} per month** per stage."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render_markdown())
