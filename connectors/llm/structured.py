"""LLM: a reply that conforms to a JSON Schema (llm.structured_output, v1).

The schema is sent as OpenAI's ``response_format: {"type": "json_schema", ...}`` (or, for servers
without it, as ``json_object`` or in the system prompt), and the reply is always parsed and
validated here as well: a server that ignores ``response_format``, a reply cut off at
``max_tokens`` or a model that drifts from the schema fails with a message naming the problem
instead of passing malformed data downstream. ``repair_attempts`` re-asks the model with the
validation error, inside the same invocation.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from connectors.llm.connector import LLM
from connectors.llm.models import ChatParams, Usage, chat_body, first_choice, message_text
from connectors.llm.usage import record_usage
from connectors.sdk import ActionContext, ActionOutput, ConnectorError

__all__ = ["StructuredInput", "StructuredOutput", "check_reply", "structured_output"]

_SCHEMA_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class StructuredInput(ChatParams):
    json_schema: Annotated[
        dict[str, Any], Field(description="The JSON Schema the reply must match (root type: object)")
    ]
    schema_name: Annotated[str, Field(pattern=_SCHEMA_NAME.pattern)] = "result"
    strict: Annotated[bool, Field(description="OpenAI strict mode (every property required, no extras)")] = (
        True
    )
    mode: Annotated[
        Literal["json_schema", "json_object", "prompt"],
        Field(
            description="json_schema: native structured output; json_object: JSON mode plus the schema in the "
            "system prompt; prompt: the schema in the system prompt only (servers without response_format)"
        ),
    ] = "json_schema"
    repair_attempts: Annotated[
        int, Field(ge=0, le=3, description="Re-ask the model this many times when its reply does not conform")
    ] = 0

    @field_validator("json_schema")
    @classmethod
    def _valid_schema(cls, schema: dict[str, Any]) -> dict[str, Any]:
        from aws_lambda_powertools.utilities.validation import validate
        from aws_lambda_powertools.utilities.validation.exceptions import (
            InvalidSchemaFormatError,
            SchemaValidationError,
        )

        if schema.get("type") != "object":
            raise ValueError("the schema's root must be {'type': 'object', ...}")
        try:
            # Compiling is what proves the schema valid; validating {} compiles it (and is cached).
            validate(event={}, schema=schema)
        except InvalidSchemaFormatError as exc:
            raise ValueError(f"not a valid JSON Schema: {exc}") from None
        except SchemaValidationError:
            pass
        return schema


class StructuredOutput(ActionOutput):
    data: Annotated[dict[str, Any], Field(description="The model's reply, parsed and validated")]
    model: str
    finish_reason: str | None = None
    attempts: Annotated[int, Field(description="Model calls made (1 + repairs)")] = 1
    usage: Annotated[Usage, Field(description="Summed over every attempt")]


def check_reply(
    text: str | None, schema: dict[str, Any], finish_reason: str | None
) -> tuple[dict[str, Any] | None, str]:
    """Parse and validate a reply: ``(data, "")`` when it conforms, else ``(None, problem)``.

    Example:
        >>> check_reply('{"age": "x"}', {"type": "object", "properties": {"age": {"type": "integer"}}}, "stop")
        (None, 'data.age must be integer')
    """
    from aws_lambda_powertools.utilities.validation import validate
    from aws_lambda_powertools.utilities.validation.exceptions import SchemaValidationError

    if not text:
        return None, "the reply is empty"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        cut = " (the reply was cut off at max_tokens)" if finish_reason == "length" else ""
        return None, f"the reply is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}{cut}"
    if not isinstance(data, dict):
        return None, f"the reply is JSON but not an object (got {type(data).__name__})"
    try:
        validate(event=data, schema=schema)
    except SchemaValidationError as exc:
        # ``validation_message`` names the path and rule, never the data (which may be personal).
        return None, str(exc.validation_message or exc.message)
    return data, ""


def _response_format(params: StructuredInput) -> tuple[dict[str, Any] | None, str | None]:
    schema_text = json.dumps(params.json_schema, sort_keys=True)
    instruction = (
        f"Reply with one JSON object, and nothing else, that conforms to this JSON Schema:\n{schema_text}"
    )
    if params.mode == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {
                "name": params.schema_name,
                "schema": params.json_schema,
                "strict": params.strict,
            },
        }, None
    if params.mode == "json_object":
        return {"type": "json_object"}, instruction
    return None, instruction


@LLM.action("structured_output", version=1)
def structured_output(params: StructuredInput, ctx: ActionContext) -> StructuredOutput:
    """Ask the model for JSON matching a schema; validate it, re-asking up to ``repair_attempts`` times."""
    response_format, instruction = _response_format(params)
    body = chat_body(params, extra_system=instruction)
    if response_format is not None:
        body["response_format"] = response_format
    usage = Usage()
    model = params.model
    problem = ""
    for attempt in range(1, params.repair_attempts + 2):
        reply = ctx.http.post("/chat/completions", json=body).json()
        choice = first_choice(reply, ctx.action_id)
        message = choice.get("message") or {}
        model = str(reply.get("model") or params.model)
        usage = usage + Usage.model_validate(reply.get("usage") or {})
        if message.get("refusal"):
            record_usage(ctx, model, usage)
            raise ConnectorError(f"{ctx.action_id}: the model refused: {message['refusal']}")
        text = message_text(message)
        data, problem = check_reply(text, params.json_schema, choice.get("finish_reason"))
        if data is not None:
            record_usage(ctx, model, usage)
            return StructuredOutput(
                data=data,
                model=model,
                finish_reason=choice.get("finish_reason"),
                attempts=attempt,
                usage=usage,
            )
        ctx.logger.warning("reply does not match the schema", extra={"attempt": attempt, "problem": problem})
        body["messages"] = [
            *body["messages"],
            {"role": "assistant", "content": text or ""},
            {
                "role": "user",
                "content": f"That reply is invalid: {problem}. Reply again with only the corrected JSON.",
            },
        ]
    record_usage(ctx, model, usage)
    raise ConnectorError(
        f"{ctx.action_id}: the model's reply does not conform to the schema after "
        f"{params.repair_attempts + 1} attempt(s): {problem}"
    )
