"""The CDK app: six stacks per stage, checked by cdk-nag (AwsSolutions) on every synth.

Run ``python -m cdk.app`` (what ``cdk.json`` and ``make synth`` do). It needs neither network nor
Docker once the runtime layer is in ``cdk.out``; the very first synth installs the layer's
wheels with pip. Context comes from ``cdk.json`` plus ``CDK_CONTEXT_JSON`` (set by the CDK CLI
from ``-c key=value``), the output folder from ``CDK_OUTDIR`` (default ``cdk.out``).

Stacks of stage ``dev`` (names are ``wfaib-<stage>-<part>``)::

    wfaib-dev-data           tables (PITR, KMS), credentials key, payload bucket
    wfaib-dev-connectors     one Lambda per catalog entry, the code sandbox, the runtime layer
    wfaib-dev-runtime        state machine execution role, execution log group
    wfaib-dev-control-plane  API Gateway + WAF, API and webhook Lambdas, Cognito, scheduler group
    wfaib-dev-web            private bucket + CloudFront (OAC), editor upload, app client
    wfaib-dev-observability  dashboard, alarms, alarm topic
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from aws_cdk import App, Environment, Stack, Tags, Validations
from cdk_nag import AwsSolutionsChecks

from cdk.config import StageConfig, load_stage_configs
from cdk.manifest import ConnectorEntry, load_connector_catalog
from cdk.paths import REPO_ROOT
from cdk.stacks.connectors import ConnectorsStack
from cdk.stacks.control_plane import ControlPlaneStack
from cdk.stacks.data import DataStack
from cdk.stacks.observability import ObservabilityStack
from cdk.stacks.web import WebStack
from cdk.stacks.workflow_runtime import WorkflowRuntimeStack

# Context key naming another catalog file (a fixture, or a catalog generated elsewhere).
CATALOG_CONTEXT_KEY = "wfaib:connector-catalog"

__all__ = ["CATALOG_CONTEXT_KEY", "StageStacks", "build_app", "build_stage", "load_context", "main"]


class StageStacks:
    """The stacks of one stage, for wiring and for tests."""

    def __init__(
        self, scope: App, config: StageConfig, catalog: list[ConnectorEntry], env: Environment
    ) -> None:
        prefix = config.prefix

        def name(part: str) -> dict[str, Any]:
            return {
                "stack_name": f"{prefix}-{part}",
                "env": env,
                "description": f"WFAIB {config.stage}: {part}",
            }

        self.data = DataStack(scope, f"{prefix}-data", config=config, **name("data"))
        self.connectors = ConnectorsStack(
            scope,
            f"{prefix}-connectors",
            config=config,
            data=self.data,
            catalog=catalog,
            **name("connectors"),
        )
        self.runtime = WorkflowRuntimeStack(
            scope, f"{prefix}-runtime", config=config, catalog=catalog, **name("runtime")
        )
        # The execution role names the connector functions by name; create them first.
        self.runtime.add_stack_dependency(self.connectors)
        self.control_plane = ControlPlaneStack(
            scope,
            f"{prefix}-control-plane",
            config=config,
            data=self.data,
            runtime=self.runtime,
            layer=self.connectors.runtime_layer,
            **name("control-plane"),
        )
        self.web = WebStack(
            scope,
            f"{prefix}-web",
            config=config,
            data=self.data,
            control_plane=self.control_plane,
            **name("web"),
        )
        self.observability = ObservabilityStack(
            scope,
            f"{prefix}-observability",
            config=config,
            connectors=self.connectors,
            control_plane=self.control_plane,
            **name("observability"),
        )

    @property
    def all(self) -> list[Stack]:
        """Every stack of the stage, in deployment order."""
        return [self.data, self.connectors, self.runtime, self.control_plane, self.web, self.observability]


def build_stage(app: App, config: StageConfig, catalog: list[ConnectorEntry]) -> StageStacks:
    """Add one stage's stacks to ``app``, tagged with the project and stage."""
    env = Environment(
        account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region=os.environ.get("CDK_DEFAULT_REGION")
    )
    stacks = StageStacks(app, config, catalog, env)
    for stack in stacks.all:
        Tags.of(stack).add("project", "wfaib")
        Tags.of(stack).add("stage", config.stage)
    return stacks


def load_context(repo_root: Path = REPO_ROOT) -> dict[str, Any]:
    """``cdk.json``'s context, overridden by the CLI's ``CDK_CONTEXT_JSON``."""
    cdk_json = json.loads((repo_root / "cdk.json").read_text(encoding="utf-8"))
    context: dict[str, Any] = dict(cdk_json.get("context", {}))
    context.update(json.loads(os.environ.get("CDK_CONTEXT_JSON") or "{}"))
    return context


def build_app(context: dict[str, Any], outdir: str | None = None) -> tuple[App, list[StageStacks]]:
    """Build the app for the stages selected in ``context`` with cdk-nag attached."""
    app = App(outdir=outdir or os.environ.get("CDK_OUTDIR") or str(REPO_ROOT / "cdk.out"), context=context)
    catalog_path = context.get(CATALOG_CONTEXT_KEY)
    catalog = load_connector_catalog(Path(catalog_path)) if catalog_path else load_connector_catalog()
    stages = [build_stage(app, config, catalog) for config in load_stage_configs(context)]
    Validations.of(app).add_plugins(AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True))
    return app, stages


def main() -> None:
    """Synthesize; cdk-nag findings without an acknowledgment fail the synth."""
    app, _ = build_app(load_context())
    app.synth()


if __name__ == "__main__":
    main()
