"""Runs one action (or one poll of a trigger) for an event from the state machine.

The event contract with the compiler (a ``lambda:invoke`` Task's ``Payload``)::

    {"action": "slack.post_message", "version": 1, "params": {...},
     "credential": "<Secrets Manager secret id or ARN>" | null,
     "idempotency_key": "<execution id>/<node id>[/<map index>]",
     "execution_id": "...", "node_id": "...", "tenant_id": "...", "workflow_id": "..."}

Before the action runs, the control flags (kill switches) that apply to the call are checked
(:mod:`connectors.sdk.control_flags`): global, the tenant, the workflow (when the payload names
it) and the connector; a ``block`` fails the task with ``BlockedError``, a ``pause`` with the
retryable ``PausedError``.

The result is ``output.model_dump(mode="json")`` with known credential values redacted (a provider
may echo them back, and the result goes into the execution history), or ``{"$claim_check":
{"bucket", "key", "size"}}`` when that is over the threshold. Params holding claim-check references are resolved
before validation. Every failure leaves as a :mod:`connectors.sdk.errors` class (its name is the
``errorType`` Step Functions sees) with secrets redacted from the message.

A poll of a polling trigger uses ``{"trigger": "github.new_issue", "version": 1, "params": {...},
"credential": ..., "cursor": "..." | null, "tenant_id": "..."}`` (flags checked the same way) and returns ``{"events": [...], "cursor": ...}``.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TextIO

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticSerializationError

from connectors.sdk.claim_check import DEFAULT_THRESHOLD, ClaimCheckStore
from connectors.sdk.connector import Connector, PollResult
from connectors.sdk.context import ActionContext, Services
from connectors.sdk.control_flags import DEFAULT_MAX_AGE, ControlFlags
from connectors.sdk.credentials import CredentialSource, SecretsManagerCredentials
from connectors.sdk.errors import (
    ConnectorError,
    ConnectorTimeoutError,
    InvalidInputError,
    UnknownActionError,
    UpstreamUnavailableError,
)
from connectors.sdk.redaction import RedactingFilter, Redactor
from connectors.sdk.usage import UsageMeter

if TYPE_CHECKING:
    from aws_lambda_powertools import Logger

__all__ = [
    "ActionEvent",
    "ConnectorRuntime",
    "PollEvent",
    "RuntimeSettings",
    "describe_validation_error",
    "make_handler",
]


class ActionEvent(BaseModel):
    """The Payload of a compiled connector Task.

    Example:
        >>> ActionEvent(action="slack.post_message", version=1, params={"channel": "C1", "text": "hi"},
        ...             idempotency_key="exec-1/notify", execution_id="exec-1", node_id="notify").version
        1
    """

    model_config = ConfigDict(extra="forbid")

    action: str
    version: int = Field(ge=1)
    params: dict[str, Any] = {}
    credential: str | None = None
    idempotency_key: str = Field(min_length=1)
    execution_id: str = ""
    node_id: str = ""
    tenant_id: str = ""
    workflow_id: str = ""
    """Names the workflow so its kill switch applies (empty: only global, tenant and connector)."""


class PollEvent(BaseModel):
    """The event of one poll of a polling trigger (sent by the platform's scheduler).

    Example:
        >>> PollEvent(trigger="github.new_issue", version=1, params={"repo": "o/r"}).cursor is None
        True
    """

    model_config = ConfigDict(extra="forbid")

    trigger: str
    version: int = Field(ge=1)
    params: dict[str, Any] = {}
    credential: str | None = None
    cursor: str | None = None
    execution_id: str = ""
    node_id: str = ""
    tenant_id: str = ""
    workflow_id: str = ""


class RuntimeSettings(BaseModel):
    """The connector function's environment, parsed once.

    Example:
        >>> RuntimeSettings.from_env({"WFAIB_CONNECTOR": "slack", "WFAIB_CLAIM_CHECK_BUCKET": "b"}).connector
        'slack'
    """

    connector: str = Field(min_length=1)
    claim_check_bucket: str | None = None
    claim_check_threshold: int = Field(DEFAULT_THRESHOLD, gt=0)
    credential_max_age: int = Field(300, ge=0)
    table_name: str | None = None
    """The platform table holding the control flags and token usage; unset: neither is used."""
    control_flags_max_age: float = Field(DEFAULT_MAX_AGE, ge=0)
    tracing: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, connector: str | None = None) -> RuntimeSettings:
        """Read ``WFAIB_CONNECTOR``, ``WFAIB_CLAIM_CHECK_BUCKET``, ``WFAIB_CLAIM_CHECK_THRESHOLD``,
        ``WFAIB_CREDENTIAL_MAX_AGE``, ``WFAIB_TABLE_NAME``, ``WFAIB_CONTROL_FLAGS_MAX_AGE``; tracing
        is on inside Lambda with active X-Ray tracing."""
        connector = connector or env.get("WFAIB_CONNECTOR", "")
        if not connector:
            raise ValueError("WFAIB_CONNECTOR is not set: a connector function runs the connector it names")
        values: dict[str, Any] = {"connector": connector}
        for key, name in (
            ("claim_check_bucket", "WFAIB_CLAIM_CHECK_BUCKET"),
            ("claim_check_threshold", "WFAIB_CLAIM_CHECK_THRESHOLD"),
            ("credential_max_age", "WFAIB_CREDENTIAL_MAX_AGE"),
            ("table_name", "WFAIB_TABLE_NAME"),
            ("control_flags_max_age", "WFAIB_CONTROL_FLAGS_MAX_AGE"),
        ):
            if env.get(name):
                values[key] = env[name]
        values["tracing"] = bool(env.get("AWS_XRAY_DAEMON_ADDRESS")) and env.get(
            "POWERTOOLS_TRACE_DISABLED", ""
        ).lower() not in {"1", "true"}
        return cls.model_validate(values)


def describe_validation_error(exc: ValidationError, prefix: str) -> str:
    """One line naming every invalid field (never the values, which may be sensitive).

    Example:
        >>> from pydantic import BaseModel
        >>> class M(BaseModel):
        ...     channel: str
        >>> try:
        ...     M.model_validate({})
        ... except ValidationError as e:
        ...     describe_validation_error(e, "params")
        'params.channel: Field required'
    """
    return "; ".join(
        ".".join([prefix, *(str(part) for part in error["loc"])]) + f": {error['msg']}"
        for error in exc.errors(include_input=False, include_url=False)
    )


def _with_redaction(logger: Logger | logging.Logger, redactor: Redactor) -> Logger | logging.Logger:
    """Attach the redacting filter to the underlying ``logging.Logger`` (once per redactor)."""
    target = logger if isinstance(logger, logging.Logger) else logger._logger
    if not any(isinstance(f, RedactingFilter) and f.redactor is redactor for f in target.filters):
        target.addFilter(RedactingFilter(redactor))
    return logger


class ConnectorRuntime:
    """Runs the actions and polls of one connector; the Lambda handler and local runs share it.

    Example:
        >>> runtime = ConnectorRuntime(load_connector("slack"), services=Services())  # doctest: +SKIP
        >>> runtime.invoke({"action": "slack.post_message", "version": 1, "params": {...},
        ...                 "credential": "slack-prod", "idempotency_key": "e/n"})  # doctest: +SKIP
        {'channel': 'C1', 'ts': '1700000000.000100'}
    """

    def __init__(
        self,
        connector: Connector,
        *,
        services: Services | None = None,
        logger: Logger | logging.Logger | None = None,
        metrics: bool = True,
        metrics_stream: TextIO | None = None,
    ) -> None:
        self.connector = connector
        self.services = services or Services()
        if logger is None:
            from aws_lambda_powertools import Logger

            logger = Logger(service=f"connector-{connector.id}")
        self.logger = _with_redaction(logger, self.services.redactor)
        self.metrics = metrics
        self.metrics_stream = metrics_stream
        """Where EMF lines go (stdout by default; Lambda ships stdout and stderr to CloudWatch)."""

    @classmethod
    def from_settings(
        cls,
        connector: Connector,
        settings: RuntimeSettings,
        *,
        credentials: CredentialSource | None = None,
        logger: Logger | None = None,
        metrics_stream: TextIO | None = None,
        aws_client: Callable[[str], Any] | None = None,
    ) -> ConnectorRuntime:
        """A runtime wired to Secrets Manager, the claim-check bucket and the control-flags table
        named in ``settings``. ``aws_client(service)`` makes the S3 and DynamoDB clients (the local
        platform points them at moto); by default boto3's, created on first use."""

        def factory(service: str) -> Callable[[], Any] | None:
            return None if aws_client is None else lambda: aws_client(service)

        services = Services(
            credentials=credentials or SecretsManagerCredentials(max_age=settings.credential_max_age),
            claim_check=ClaimCheckStore(
                settings.claim_check_bucket,
                threshold=settings.claim_check_threshold,
                client_factory=factory("s3"),
            ),
            control_flags=ControlFlags(
                settings.table_name,
                max_age=settings.control_flags_max_age,
                client_factory=factory("dynamodb"),
            ),
            usage=UsageMeter(settings.table_name, client_factory=factory("dynamodb")),
            tracing=settings.tracing,
        )
        return cls(connector, services=services, logger=logger, metrics_stream=metrics_stream)

    def handle(self, event: Mapping[str, Any], context: Any = None) -> Any:
        """The Lambda entry: log keys, run, emit metrics, re-raise SDK errors."""
        if not isinstance(event, Mapping):
            raise InvalidInputError(f"event: must be a JSON object, got {type(event).__name__}")
        name = str(event.get("action") or event.get("trigger") or "?")
        started = time.perf_counter()
        self._append_keys(event, name)
        outcome = "ActionFailed"
        try:
            result = self.poll(event) if "trigger" in event else self.invoke(event)
            outcome = "ActionSucceeded"
            return result
        finally:
            if self.metrics:
                self._emit_metrics(name, outcome, (time.perf_counter() - started) * 1000)

    def _append_keys(self, event: Mapping[str, Any], name: str) -> None:
        append = getattr(self.logger, "append_keys", None)
        if append is not None:
            append(
                action=name,
                execution_id=event.get("execution_id"),
                node_id=event.get("node_id"),
                tenant_id=event.get("tenant_id") or None,
            )

    def _emit_metrics(self, name: str, outcome: str, duration_ms: float) -> None:
        from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

        # EphemeralMetrics: no state shared between instances, so concurrent local invocations
        # (Map iterations on threads) cannot flush each other's metrics.
        metrics = EphemeralMetrics(namespace="WFAIB", service=f"connector-{self.connector.id}")
        metrics.add_dimension(name="action", value=name)
        metrics.add_metric(name=outcome, unit=MetricUnit.Count, value=1)
        metrics.add_metric(name="ActionDuration", unit=MetricUnit.Milliseconds, value=round(duration_ms, 3))
        line = json.dumps(metrics.serialize_metric_set(), separators=(",", ":"))
        print(line, file=self.metrics_stream or sys.stdout, flush=True)

    def invoke(self, event: Mapping[str, Any]) -> Any:
        """Run the action named in ``event``; return its JSON output (or a claim-check reference)."""
        try:
            parsed = ActionEvent.model_validate(event)
        except ValidationError as exc:
            raise InvalidInputError(describe_validation_error(exc, "event")) from None
        spec = self.connector.get_action(parsed.action, parsed.version)
        if spec is None or not parsed.action.startswith(f"{self.connector.id}."):
            raise UnknownActionError(
                f"{parsed.action} v{parsed.version} is not an action of connector {self.connector.id}"
            )
        ctx = ActionContext(
            connector=self.connector,
            action_id=spec.id,
            version=spec.version,
            side_effect=spec.side_effect,
            execution_id=parsed.execution_id,
            node_id=parsed.node_id,
            tenant_id=parsed.tenant_id,
            idempotency_key=parsed.idempotency_key,
            credential_ref=parsed.credential,
            services=self.services,
            logger=self.logger,
        )
        try:
            self._check_flags(parsed.tenant_id, parsed.workflow_id)
            params = self._validate(spec.input_model, parsed.params, spec.id)
            result = spec.run(params, ctx)
            output = self.services.redactor.redact_strings(self._output(spec.output_model, result, spec.id))
            return self.services.claim_check.offload(output, parsed.idempotency_key)
        except Exception as exc:
            raise self._surface(exc, spec.id) from None
        finally:
            ctx.close()

    def poll(self, event: Mapping[str, Any]) -> dict[str, Any]:
        """Poll the trigger named in ``event``; return ``{"events": [...], "cursor": ...}``."""
        try:
            parsed = PollEvent.model_validate(event)
        except ValidationError as exc:
            raise InvalidInputError(describe_validation_error(exc, "event")) from None
        spec = self.connector.get_trigger(parsed.trigger, parsed.version)
        if spec is None or spec.poll is None or not parsed.trigger.startswith(f"{self.connector.id}."):
            raise UnknownActionError(
                f"{parsed.trigger} v{parsed.version} is not a polling trigger of {self.connector.id}"
            )
        ctx = ActionContext(
            connector=self.connector,
            action_id=spec.id,
            version=spec.version,
            side_effect=False,
            execution_id=parsed.execution_id,
            node_id=parsed.node_id,
            tenant_id=parsed.tenant_id,
            idempotency_key=f"poll/{spec.id}/{parsed.cursor or ''}",
            credential_ref=parsed.credential,
            services=self.services,
            logger=self.logger,
        )
        try:
            self._check_flags(parsed.tenant_id, parsed.workflow_id)
            config = self._validate(spec.config_model, parsed.params, spec.id)
            result = spec.poll(config, ctx, parsed.cursor)
            if not isinstance(result, PollResult):
                raise TypeError(f"{spec.id} returned {type(result).__name__}, not PollResult")
            redact = self.services.redactor.redact_strings
            events = [
                redact(self._output(spec.event_model, spec.event_model.model_validate(item), spec.id))
                for item in result.events
            ]
            return {"events": events, "cursor": result.cursor}
        except Exception as exc:
            raise self._surface(exc, spec.id) from None
        finally:
            ctx.close()

    def _check_flags(self, tenant_id: str, workflow_id: str) -> None:
        """The kill switches of SPEC §3, before anything reaches the provider (or claim-check)."""
        self.services.control_flags.check(
            connector_id=self.connector.id, tenant_id=tenant_id, workflow_id=workflow_id, logger=self.logger
        )

    def _validate(self, model: type[BaseModel], params: dict[str, Any], name: str) -> BaseModel:
        claim_check = self.services.claim_check
        if ClaimCheckStore.contains_ref(params):
            params = claim_check.resolve(params)
        try:
            return model.model_validate(params)
        except ValidationError as exc:
            raise InvalidInputError(
                f"invalid params for {name}: {describe_validation_error(exc, 'params')}"
            ) from None

    @staticmethod
    def _output(model: type[BaseModel], result: Any, name: str) -> Any:
        if not isinstance(result, model):
            try:
                result = model.model_validate(result)
            except ValidationError as exc:
                problems = describe_validation_error(exc, "output")
                raise ConnectorError(
                    f"{name} returned output that does not fit its model: {problems}"
                ) from None
        try:
            return result.model_dump(mode="json", by_alias=True, warnings="error")
        except PydanticSerializationError:
            # The message quotes the offending value; keep it out of the run's error.
            raise ConnectorError(f"{name} returned output that does not fit its model") from None

    def _surface(self, exc: Exception, name: str) -> ConnectorError:
        """The SDK error to raise for ``exc``, message redacted; unexpected errors are logged."""
        redact = self.services.redactor.redact
        if isinstance(exc, ConnectorError):
            exc.message = redact(exc.message)
            exc.args = (exc.message,)
            self.logger.warning("action failed", extra={"error": exc.code, "reason": exc.message})
            return exc
        if isinstance(exc, ValidationError):
            surfaced: ConnectorError = ConnectorError(
                f"{name} failed validating data: {describe_validation_error(exc, 'data')}"
            )
        elif type(exc).__module__.startswith("httpx") and "Timeout" in type(exc).__name__:
            surfaced = ConnectorTimeoutError(f"{name} timed out")
        elif type(exc).__module__.startswith("httpx"):
            surfaced = UpstreamUnavailableError(f"{name} could not reach the provider ({type(exc).__name__})")
        else:
            surfaced = ConnectorError(f"{name} failed: {type(exc).__name__}: {redact(str(exc))}")
        self.logger.exception("action raised an unexpected error", extra={"error": surfaced.code})
        return surfaced


def make_handler(runtime: ConnectorRuntime) -> Callable[[dict[str, Any], Any], Any]:
    """A Lambda-style ``handler(event, context)`` bound to ``runtime``.

    Example:
        >>> handler = make_handler(runtime)  # doctest: +SKIP
        >>> handler({"action": "http.request", ...}, None)  # doctest: +SKIP
    """

    def handler(event: dict[str, Any], context: Any = None) -> Any:
        return runtime.handle(event, context)

    handler.__name__ = f"connector_{runtime.connector.id}_handler"
    return handler
