"""The workflow a user draws, as JSON: the one model the editor, the API and the compiler share.

Everything users write is ``extra="forbid"`` so a typo is an error, not a silently ignored field.
Node ``params`` stay a free JSON object here; each node type checks them against its own input
schema during validation (``state_machines.model.validate``), so the error can name the field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Edge",
    "EventTrigger",
    "ManualTrigger",
    "Node",
    "Position",
    "RetryPolicy",
    "ScheduleTrigger",
    "SubWorkflowTrigger",
    "Trigger",
    "WebhookTrigger",
    "Workflow",
    "WorkflowSettings",
]

NODE_ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,63}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Position(_Strict):
    """Where the editor draws a node; ignored by the compiler."""

    x: float = 0
    y: float = 0


class RetryPolicy(_Strict):
    """Retry with backoff, compiled to an ASL ``Retry`` rule on the node's transient errors."""

    max_attempts: Annotated[int, Field(ge=0, le=25, description="Retries after the first attempt.")] = 3
    interval_seconds: Annotated[int, Field(ge=1, le=86_400)] = 2
    backoff_rate: Annotated[float, Field(ge=1.0, le=10.0)] = 2.0
    max_delay_seconds: Annotated[int | None, Field(ge=1, le=86_400)] = None
    jitter: Annotated[bool, Field(description="Spread retries randomly (FULL jitter).")] = False


class Node(_Strict):
    """One step of a workflow.

    ``id`` doubles as the name of the node's output in expressions (``$fetch_order``), so it is
    an identifier: a letter, then letters, digits or underscores.
    """

    id: Annotated[str, Field(pattern=NODE_ID_PATTERN, description="Unique; `$<id>` is its output.")]
    type: Annotated[str, Field(min_length=1, description="e.g. `slack.post_message`, `logic.if`.")]
    name: str | None = None
    version: Annotated[int, Field(ge=1, description="Version of the action this node was built with.")] = 1
    params: dict[str, Any] = Field(default_factory=dict)
    credential: Annotated[str | None, Field(description="Id of the credential the action uses.")] = None
    position: Position | None = None
    retry: RetryPolicy | None = None
    timeout: Annotated[int | None, Field(ge=1, le=31_536_000, description="Seconds.")] = None
    on_error: Annotated[
        Literal["stop", "continue", "branch"],
        Field(
            description="stop: the run fails (after the workflow's error handler); continue: the "
            "error becomes the node's output; branch: follow the node's `error` edge."
        ),
    ] = "stop"
    notes: str | None = None


class Edge(_Strict):
    """A connection; ``branch`` names the output handle it leaves from (``true``, a case, ``error``)."""

    source: str
    target: str
    branch: str | None = None


class _TriggerBase(_Strict):
    sample_input: Annotated[
        dict[str, Any] | list[Any] | None, Field(description="Payload for test runs from the editor or CLI.")
    ] = None


class WebhookTrigger(_TriggerBase):
    type: Literal["webhook"] = "webhook"
    path: Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-/]*$")] = ""
    method: Literal["POST", "PUT", "GET"] = "POST"
    response_mode: Literal["on_received", "last_node"] = "on_received"
    response_timeout_seconds: Annotated[int, Field(ge=1, le=29)] = 10


class ScheduleTrigger(_TriggerBase):
    type: Literal["schedule"] = "schedule"
    expression: Annotated[
        str,
        Field(description="EventBridge Scheduler syntax: `cron(0 9 ? * MON-FRI *)` or `rate(5 minutes)`."),
    ]
    timezone: str = "UTC"
    payload: dict[str, Any] = Field(default_factory=dict)


class EventTrigger(_TriggerBase):
    type: Literal["event"] = "event"
    pattern: Annotated[dict[str, Any], Field(description="An EventBridge event pattern.")]
    event_bus: str = "default"


class ManualTrigger(_TriggerBase):
    type: Literal["manual"] = "manual"


class SubWorkflowTrigger(_TriggerBase):
    type: Literal["sub_workflow"] = "sub_workflow"
    input_schema: dict[str, Any] | None = None


Trigger = Annotated[
    WebhookTrigger | ScheduleTrigger | EventTrigger | ManualTrigger | SubWorkflowTrigger,
    Field(discriminator="type"),
]


class WorkflowSettings(_Strict):
    execution_type: Annotated[
        Literal["STANDARD", "EXPRESS"],
        Field(
            description="STANDARD: durable, up to a year, exactly-once steps. EXPRESS: up to 5 minutes, cheap."
        ),
    ] = "STANDARD"
    timeout_seconds: Annotated[int | None, Field(ge=1, le=31_536_000)] = None
    concurrency_limit: Annotated[int | None, Field(ge=1)] = None
    tags: list[str] = Field(default_factory=list)


class Workflow(_Strict):
    """A workflow: a trigger, nodes and the edges between them.

    Example:
        >>> Workflow.model_validate({"id": "hello", "name": "Hello", "trigger": {"type": "manual"},
        ...     "nodes": [{"id": "greet", "type": "data.set", "params": {"fields": {"msg": "hi"}}}]}).nodes[0].id
        'greet'
    """

    schema_: Annotated[str | None, Field(alias="$schema")] = None
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,79}$")]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: str = ""
    trigger: Trigger
    nodes: list[Node]
    edges: list[Edge] = Field(default_factory=list)
    settings: WorkflowSettings = Field(default_factory=WorkflowSettings)
