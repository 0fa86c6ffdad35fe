"""One local Step Functions: registry + runtime + API, built from a data directory."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from state_machines.runtime import Clock, LambdaHandler, LocalRuntime, ServiceCaller
from wfaib.local.aws_integrations import AwsIntegrationSettings, AwsServiceCaller
from wfaib.sfn_local.arns import ArnFactory
from wfaib.sfn_local.protocol import Response, SfnProtocol
from wfaib.sfn_local.registry import Registry
from wfaib.sfn_local.service import StepFunctionsService
from wfaib.sfn_local.targets import Chooser, StateMachineTargets, weighted_choice

__all__ = ["REGISTRY_FILE", "RUNTIME_FILE", "SfnLocal"]

REGISTRY_FILE = "registry.sqlite3"
RUNTIME_FILE = "executions.sqlite3"


class SfnLocal:
    """The local Step Functions service; ``handle`` is the whole API as one function.

    ``data_dir=None`` keeps everything in memory; otherwise state machines, versions, aliases
    (``registry.sqlite3``) and executions (``executions.sqlite3``) survive restarts, and running
    executions continue where they were.

    Example:
        >>> with SfnLocal(Path(".wfaib/sfn")) as sfn:  # doctest: +SKIP
        ...     status, headers, body = sfn.handle("AWSStepFunctions.ListStateMachines", b"{}")
    """

    def __init__(
        self,
        data_dir: Path | None = None,
        *,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        clock: Clock | None = None,
        aws: AwsIntegrationSettings | None = None,
        service_caller: ServiceCaller | None = None,
        lambda_handlers: Mapping[str, LambdaHandler] | None = None,
        choose: Chooser = weighted_choice,
    ) -> None:
        if data_dir is not None:
            data_dir.mkdir(parents=True, exist_ok=True)
        self.registry = Registry(
            data_dir / REGISTRY_FILE if data_dir is not None else None, ArnFactory(region, account_id)
        )
        self.targets = StateMachineTargets(self.registry, choose)
        self.runtime = LocalRuntime(
            db_path=data_dir / RUNTIME_FILE if data_dir is not None else None,
            clock=clock,
            service_caller=service_caller
            or AwsServiceCaller(aws or AwsIntegrationSettings(region_name=region)),
            resolver=self.targets.resolve,
            region=region,
            account_id=account_id,
            lambda_handlers=lambda_handlers,
        )
        self.service = StepFunctionsService(self.registry, self.runtime, self.targets)
        self.protocol = SfnProtocol(self.service)

    def handle(self, target: str, body: bytes) -> Response:
        """Serve one API call: ``X-Amz-Target`` and JSON body in, HTTP status, headers, body out."""
        return self.protocol.handle(target, body)

    def close(self) -> None:
        """Stop the runtime (running executions resume on the next start) and close the registry."""
        self.runtime.close()
        self.registry.close()

    def __enter__(self) -> SfnLocal:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
