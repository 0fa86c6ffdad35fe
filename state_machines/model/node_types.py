"""What each node type is: its params schema, how it compiles, and which output handles it has.

The compiler and the validator are pure, so they never import connector code: they read a
``NodeCatalog`` built from the built-in types below plus the generated connector catalog
(``connectors/catalog.json``), which carries each action's JSON Schema.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "DEFAULT_RETRYABLE_ERRORS",
    "RESPOND_NODE",
    "ConnectorCall",
    "NodeCatalog",
    "NodeKind",
    "NodeType",
    "builtin_node_types",
]

# Exception class names the connector SDK raises for transient failures, plus Lambda's own
# transient errors; a node's `retry` policy retries exactly these (names, not classes: ASL
# ErrorEquals matches the name the Lambda runtime reports).
DEFAULT_RETRYABLE_ERRORS: tuple[str, ...] = (
    "RetryableError",
    "RateLimitedError",
    "UpstreamUnavailableError",
    "ConnectorTimeoutError",
)
# A kill switch's pause: retried patiently (its own rule, before the node's) until the pause lifts.
PAUSED_ERROR = "PausedError"
LAMBDA_TRANSIENT_ERRORS: tuple[str, ...] = (
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
)


class NodeKind(StrEnum):
    """How a node compiles; one ASL shape per kind."""

    DATA = "data"  # Pass with JSONata Output; folded into neighbours where possible
    CHOICE = "choice"  # Choice
    LOOP = "loop"  # Map
    PARALLEL = "parallel"  # Parallel
    MERGE = "merge"  # the join after a Parallel or converging branches
    WAIT = "wait"  # Wait
    SUB_WORKFLOW = "sub_workflow"  # states:startExecution.sync:2
    APPROVAL = "approval"  # lambda:invoke.waitForTaskToken
    ACTION = "action"  # lambda:invoke of a connector function
    CODE = "code"  # lambda:invoke of the code sandbox function
    SERVICE = "service"  # a Step Functions service integration, no Lambda
    RESPOND = "respond"  # dynamodb:putItem of the webhook's response; the run goes on
    STOP = "stop"  # Succeed
    FAIL = "fail"  # Fail
    ERROR_HANDLER = "error_handler"  # entry of the workflow-level error handler


@dataclass(frozen=True, slots=True)
class ConnectorCall:
    """The connector action a built-in action node invokes (``ai.llm`` → ``llm.chat``).

    A node type may list several; the compiler takes the first whose ``when`` param the node
    sets (``None``: always), and sends only the ``params`` that action takes.

    Example:
        >>> ConnectorCall("llm.chat", 1, ("model", "prompt")).connector
        'llm'
    """

    action: str
    version: int
    params: tuple[str, ...]
    when: str | None = None

    @property
    def connector(self) -> str:
        return self.action.split(".")[0]


@dataclass(frozen=True, slots=True)
class NodeType:
    """One node type at one version."""

    type: str
    kind: NodeKind
    title: str
    input_schema: Mapping[str, Any]
    version: int = 1
    description: str = ""
    connector: str | None = None
    side_effect: bool = False
    service_resource: str | None = None
    outputs: tuple[str, ...] = ()
    expression_params: tuple[str, ...] = ()
    latest_version: int = 1
    calls: tuple[ConnectorCall, ...] = ()
    """For a built-in node that runs a connector action: which one (see ``ConnectorCall``)."""

    def connector_call(self, params: Mapping[str, Any]) -> ConnectorCall | None:
        """The connector action a node with ``params`` invokes (None: the node type itself)."""
        return next((call for call in self.calls if call.when is None or call.when in params), None)


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


Expression = Annotated[str, Field(description="A `{{ … }}` JSONata expression.")]


class IfParams(_Params):
    condition: Annotated[
        str, Field(description="`{{ … }}` that is true or false, e.g. `{{ $input.total > 100 }}`.")
    ]


class SwitchCase(_Params):
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-]{1,40}$")]
    condition: str


class SwitchParams(_Params):
    cases: Annotated[list[SwitchCase], Field(min_length=1)]


class LoopParams(_Params):
    items: Annotated[Any, Field(description="The list to loop over, e.g. `{{ $input.orders }}`.")]
    max_concurrency: Annotated[int, Field(ge=0, le=10_000, description="0 runs all at once.")] = 0
    tolerated_failure_percentage: Annotated[float | None, Field(ge=0, le=100)] = None
    batch_size: Annotated[int | None, Field(ge=1, le=10_000)] = None


class EmptyParams(_Params):
    pass


class MergeParams(_Params):
    mode: Annotated[
        Literal["array", "object"],
        Field(description="After parallel branches: a list of their outputs, or one object merging them."),
    ] = "array"


class WaitParams(_Params):
    seconds: Annotated[int | str | None, Field(description="Seconds, or `{{ … }}`.")] = None
    until: Annotated[str | None, Field(description="ISO-8601 timestamp, or `{{ … }}`.")] = None


class SubWorkflowParams(_Params):
    workflow_id: str
    input: Any = "{{ $input }}"


ApproverRef = Annotated[
    str,
    Field(
        min_length=1,
        max_length=320,
        pattern=r"^(role:[a-z][a-z0-9-]{0,39}|slack:[A-Za-z0-9_.#-]+|[^\s:]+)$",
        description="Who may decide: a user (their sign-in, usually an email address), "
        "`role:<role>` (signed-in users with that role; for member/admin/owner, at least that role), "
        "or `slack:<channel id>` (anyone who follows the links posted to that channel).",
    ),
]


class ApprovalEmailNotify(_Params):
    credential: Annotated[str, Field(min_length=1, description="Id of an SMTP credential (smtp connector).")]
    to: Annotated[
        list[Annotated[str, Field(min_length=3, max_length=320)]],
        Field(description="Recipients; by default the approvers that are email addresses."),
    ] = []
    from_email: Annotated[str | None, Field(description="Defaults to the credential's default_from.")] = None
    subject: Annotated[str | None, Field(max_length=200)] = None


class ApprovalSlackNotify(_Params):
    credential: Annotated[str, Field(min_length=1, description="Id of a Slack credential (slack connector).")]
    channel: Annotated[str, Field(min_length=1, description="Channel ID, e.g. C01234567.")]


class ApprovalNotify(_Params):
    email: ApprovalEmailNotify | None = None
    slack: ApprovalSlackNotify | None = None


class ApprovalParams(_Params):
    message: str
    approvers: Annotated[
        list[ApproverRef], Field(description="Only these may decide; empty: any member of the tenant.")
    ] = []
    timeout_seconds: Annotated[int, Field(ge=60, le=31_536_000)] = 604_800
    notify: Annotated[
        ApprovalNotify | None,
        Field(description="Send the approvers their approve/reject links by email and/or Slack."),
    ] = None


class StopParams(_Params):
    output: Any = None


class FailParams(_Params):
    error: str = "WorkflowFailed"
    cause: str = ""


class TransformParams(_Params):
    output: Annotated[Any, Field(description="The new output: JSON whose strings may hold `{{ … }}`.")]


class SetParams(_Params):
    fields: dict[str, Any]
    keep_input: bool = True


class FilterParams(_Params):
    items: Any = "{{ $input }}"
    condition: Annotated[
        str, Field(description="Kept when true; the item is `$item`, e.g. `{{ $item.paid }}`.")
    ]


class AggregateParams(_Params):
    items: Any = "{{ $input }}"
    operation: Literal["count", "sum", "average", "min", "max", "concat", "group_by"]
    field: Annotated[str | None, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_.]*$")] = None


class RespondParams(_Params):
    status: Annotated[
        Annotated[int, Field(ge=100, le=599)] | str, Field(description="HTTP status (100-599), or `{{ … }}`.")
    ] = 200
    headers: Annotated[dict[str, str], Field(description="Response headers; values may hold `{{ … }}`.")] = {}
    body: Annotated[
        Any, Field(description="The response body: JSON (sent as application/json) or text, with `{{ … }}`.")
    ] = None


RESPOND_NODE = "webhook.respond"


class CodeParams(_Params):
    code: Annotated[str, Field(min_length=1, description="Python that defines `main(input)`.")]


class LlmMessage(_Params):
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: Annotated[
        str | list[dict[str, Any]] | None, Field(description="Text, or content parts (text, image_url, ...)")
    ] = None
    name: str | None = None
    tool_call_id: Annotated[str | None, Field(description="For role=tool: the call this answers")] = None
    tool_calls: Annotated[list[dict[str, Any]] | None, Field(description="For role=assistant")] = None


_STRUCTURED_ONLY = ("schema_name", "strict", "mode", "repair_attempts")


class AiLlmParams(_Params):
    """``ai.llm``: the params of the llm connector's ``chat`` and ``structured_output`` actions
    (``tests/compiler/test_ai_llm_node.py`` keeps them in step with ``connectors/catalog.json``)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "allOf": [
                # Something to say: a prompt, or the conversation in `messages`.
                {"if": {"not": {"required": ["messages"]}}, "then": {"required": ["prompt"]}},
                # Structured-output options mean nothing without a schema: say so, do not drop them.
                {
                    "if": {"not": {"required": ["json_schema"]}},
                    "then": {
                        "properties": {
                            name: {"not": {}, "description": f"'{name}' applies only with a 'json_schema'."}
                            for name in _STRUCTURED_ONLY
                        }
                    },
                },
            ]
        },
    )

    model: Annotated[
        str,
        Field(
            min_length=1,
            description="The model, e.g. gpt-4o-mini, claude-sonnet-4-5, a Bedrock or local model; "
            "the credential's base URL picks the provider.",
        ),
    ]
    system: Annotated[str | None, Field(description="System prompt, sent first")] = None
    prompt: Annotated[str | None, Field(description="The user message, sent after `messages`")] = None
    messages: Annotated[list[LlmMessage], Field(description="Earlier conversation (or the whole of it)")] = []
    temperature: Annotated[float | None, Field(ge=0, le=2)] = None
    top_p: Annotated[float | None, Field(gt=0, le=1)] = None
    max_tokens: Annotated[int | None, Field(ge=1, le=1_000_000)] = None
    max_tokens_param: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
    stop: Annotated[list[str], Field(max_length=4)] = []
    seed: int | None = None
    json_schema: Annotated[
        dict[str, Any],
        Field(
            description="Structured output: the JSON Schema the reply must match (root `type: object`); "
            "the output is then `data` instead of `content`.",
            json_schema_extra={"required": ["type"], "properties": {"type": {"const": "object"}}},
        ),
    ] = {}
    schema_name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")] = "result"
    strict: bool = True
    mode: Literal["json_schema", "json_object", "prompt"] = "json_schema"
    repair_attempts: Annotated[int, Field(ge=0, le=3)] = 0


_LLM_PARAMS = (
    "model",
    "system",
    "prompt",
    "messages",
    "temperature",
    "top_p",
    "max_tokens",
    "max_tokens_param",
    "stop",
    "seed",
)
AI_LLM_CALLS = (
    ConnectorCall(
        "llm.structured_output", 1, (*_LLM_PARAMS, "json_schema", *_STRUCTURED_ONLY), when="json_schema"
    ),
    ConnectorCall("llm.chat", 1, _LLM_PARAMS),
)


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


def _ai_llm_schema() -> dict[str, Any]:
    schema = _schema(AiLlmParams)
    del schema["properties"]["json_schema"]["default"]  # absent means plain chat; {} is no schema
    return schema


def _service(type_: str, title: str, resource: str, required: list[str]) -> NodeType:
    schema = {
        "type": "object",
        "description": "Parameters of the AWS API call, named as in the AWS API reference.",
        "required": required,
        "properties": {name: {} for name in required},
        "additionalProperties": True,
    }
    return NodeType(type_, NodeKind.SERVICE, title, schema, service_resource=resource, side_effect=True)


def builtin_node_types() -> list[NodeType]:
    """The node types every workflow can use, without any connector."""
    return [
        NodeType("logic.if", NodeKind.CHOICE, "If", _schema(IfParams), outputs=("true", "false")),
        NodeType("logic.switch", NodeKind.CHOICE, "Switch", _schema(SwitchParams)),
        NodeType(
            "logic.loop", NodeKind.LOOP, "Loop over items", _schema(LoopParams), outputs=("each", "done")
        ),
        NodeType("logic.parallel", NodeKind.PARALLEL, "Parallel branches", _schema(EmptyParams)),
        NodeType("logic.merge", NodeKind.MERGE, "Merge", _schema(MergeParams)),
        NodeType("logic.wait", NodeKind.WAIT, "Wait", _schema(WaitParams)),
        NodeType("logic.sub_workflow", NodeKind.SUB_WORKFLOW, "Run a workflow", _schema(SubWorkflowParams)),
        NodeType(
            "logic.approval",
            NodeKind.APPROVAL,
            "Human approval",
            _schema(ApprovalParams),
            outputs=("rejected",),
        ),
        NodeType("logic.stop", NodeKind.STOP, "Stop", _schema(StopParams)),
        NodeType("logic.fail", NodeKind.FAIL, "Stop with error", _schema(FailParams)),
        NodeType("logic.error_handler", NodeKind.ERROR_HANDLER, "On workflow error", _schema(EmptyParams)),
        NodeType("data.transform", NodeKind.DATA, "Transform", _schema(TransformParams)),
        NodeType("data.set", NodeKind.DATA, "Set fields", _schema(SetParams)),
        NodeType("data.filter", NodeKind.DATA, "Filter", _schema(FilterParams)),
        NodeType("data.aggregate", NodeKind.DATA, "Aggregate", _schema(AggregateParams)),
        NodeType("code.python", NodeKind.CODE, "Python code", _schema(CodeParams), side_effect=True),
        NodeType(
            RESPOND_NODE,
            NodeKind.RESPOND,
            "Respond to webhook",
            _schema(RespondParams),
            description="Answer the waiting webhook request now (status, headers, body); the run goes on.",
            service_resource="arn:aws:states:::dynamodb:putItem",
            side_effect=True,
        ),
        NodeType(
            "ai.llm",
            NodeKind.ACTION,
            "LLM",
            _ai_llm_schema(),
            description="Chat completion with any OpenAI-compatible model (OpenAI, Anthropic, Bedrock, "
            "local servers); with `json_schema`, a reply validated against it.",
            connector="llm",
            calls=AI_LLM_CALLS,
        ),
        _service(
            "aws.sqs.send_message",
            "SQS: send message",
            "arn:aws:states:::sqs:sendMessage",
            ["QueueUrl", "MessageBody"],
        ),
        _service("aws.sns.publish", "SNS: publish", "arn:aws:states:::sns:publish", ["TopicArn", "Message"]),
        _service(
            "aws.dynamodb.put_item",
            "DynamoDB: put item",
            "arn:aws:states:::dynamodb:putItem",
            ["TableName", "Item"],
        ),
        _service(
            "aws.dynamodb.get_item",
            "DynamoDB: get item",
            "arn:aws:states:::dynamodb:getItem",
            ["TableName", "Key"],
        ),
        _service(
            "aws.s3.put_object",
            "S3: put object",
            "arn:aws:states:::aws-sdk:s3:putObject",
            ["Bucket", "Key", "Body"],
        ),
        _service(
            "aws.s3.get_object", "S3: get object", "arn:aws:states:::aws-sdk:s3:getObject", ["Bucket", "Key"]
        ),
        _service(
            "aws.eventbridge.put_events",
            "EventBridge: put events",
            "arn:aws:states:::events:putEvents",
            ["Entries"],
        ),
        _service(
            "aws.ses.send_email",
            "SES: send email",
            "arn:aws:states:::aws-sdk:sesv2:sendEmail",
            ["FromEmailAddress", "Destination", "Content"],
        ),
    ]


@dataclass(frozen=True)
class NodeCatalog:
    """Every node type the compiler knows, by ``(type, version)``.

    Example:
        >>> catalog = NodeCatalog.builtin()
        >>> catalog.get("logic.if", 1).kind
        <NodeKind.CHOICE: 'choice'>
    """

    types: Mapping[tuple[str, int], NodeType]
    retryable_errors: tuple[str, ...] = DEFAULT_RETRYABLE_ERRORS
    _latest: dict[str, int] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for type_, version in self.types:
            self._latest[type_] = max(version, self._latest.get(type_, 0))

    @classmethod
    def build(
        cls, node_types: Iterable[NodeType], retryable_errors: Iterable[str] = DEFAULT_RETRYABLE_ERRORS
    ) -> NodeCatalog:
        return cls({(t.type, t.version): t for t in node_types}, tuple(retryable_errors))

    @classmethod
    def builtin(cls) -> NodeCatalog:
        return cls.build(builtin_node_types())

    @classmethod
    def with_connectors(cls, connectors: Iterable[Mapping[str, Any]]) -> NodeCatalog:
        """Built-ins plus connector actions from the catalog JSON (``wfaib connectors list --json``)."""
        node_types = builtin_node_types()
        for connector in connectors:
            for action in connector.get("actions", []):
                node_types.append(
                    NodeType(
                        type=action["id"],
                        kind=NodeKind.ACTION,
                        title=action.get("name") or action["id"],
                        input_schema=action.get("input_schema") or {"type": "object"},
                        version=int(action.get("version", 1)),
                        description=action.get("description", ""),
                        connector=connector["id"],
                        side_effect=bool(action.get("side_effect", False)),
                    )
                )
        return cls.build(node_types)

    def get(self, type_: str, version: int) -> NodeType | None:
        return self.types.get((type_, version))

    def latest_version(self, type_: str) -> int | None:
        return self._latest.get(type_)
