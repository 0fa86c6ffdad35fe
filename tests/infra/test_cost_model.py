"""The cost model behind docs/deploy.md, and the guide's table staying equal to it."""

from __future__ import annotations

import pytest

from cdk.cost_model import WORKLOADS, cost_per_run, fixed_monthly_cost, render_markdown
from tests.infra.assembly import REPO_ROOT


def test_the_cost_table_in_the_deploy_guide_is_the_models_output() -> None:
    guide = (REPO_ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    begin, end = "<!-- cost-model:begin -->\n", "<!-- cost-model:end -->"
    published = guide[guide.index(begin) + len(begin) : guide.index(end)]
    assert published == render_markdown(), (
        "run `python -m cdk.cost_model` and paste its output into docs/deploy.md"
    )


def test_cost_model_counts_transitions_only_on_standard() -> None:
    workload = WORKLOADS[0]
    standard = cost_per_run(workload, "Standard")
    express = cost_per_run(workload, "Express")
    assert standard["Step Functions Standard"] == pytest.approx(workload.transitions * 0.025 / 1000)
    assert express["Step Functions Express"] < standard["Step Functions Standard"] / 10
    assert {k: v for k, v in standard.items() if "Step Functions" not in k} == {
        k: v for k, v in express.items() if "Step Functions" not in k
    }


def test_fixed_cost_is_the_sum_of_the_monthly_resources() -> None:
    assert fixed_monthly_cost(alarms=0, kms_keys=0, waf_rules=0, secrets=0) == pytest.approx(5.00 + 3.00)
    assert fixed_monthly_cost() == pytest.approx(5.00 + 4 * 1.00 + 3 * 1.00 + 0.40 + 9 * 0.10 + 3.00)
