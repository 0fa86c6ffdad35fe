"""Chat request and response models shared by ``llm.chat`` and ``llm.structured_output``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from connectors.sdk import ActionInput, ActionOutput, ConnectorError

__all__ = [
    "ChatParams",
    "Message",
    "ToolCall",
    "Usage",
    "chat_body",
    "first_choice",
    "message_text",
]


class Message(ActionInput):
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: Annotated[
        str | list[dict[str, Any]] | None, Field(description="Text, or content parts (text, image_url, ...)")
    ] = None
    name: str | None = None
    tool_call_id: Annotated[str | None, Field(description="For role=tool: the call this answers")] = None
    tool_calls: Annotated[list[dict[str, Any]] | None, Field(description="For role=assistant")] = None


class ChatParams(ActionInput):
    model: Annotated[str, Field(min_length=1, description="e.g. gpt-4o-mini, claude-sonnet-4-5, llama3.1")]
    system: Annotated[str | None, Field(description="System prompt, sent first")] = None
    prompt: Annotated[str | None, Field(description="The user message, sent after `messages`")] = None
    messages: Annotated[list[Message], Field(description="Earlier conversation (or the whole of it)")] = []
    temperature: Annotated[float | None, Field(ge=0, le=2)] = None
    top_p: Annotated[float | None, Field(gt=0, le=1)] = None
    max_tokens: Annotated[int | None, Field(ge=1, le=1_000_000)] = None
    max_tokens_param: Annotated[
        Literal["max_tokens", "max_completion_tokens"],
        Field(description="OpenAI's reasoning models take only max_completion_tokens"),
    ] = "max_tokens"
    stop: Annotated[list[str], Field(max_length=4)] = []
    seed: int | None = None

    @model_validator(mode="after")
    def _something_to_say(self) -> ChatParams:
        if self.prompt is None and not self.messages:
            raise ValueError("give a `prompt` or `messages`")
        return self


class Usage(ActionOutput):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
        )


class ToolCall(ActionOutput):
    id: str
    type: str = "function"
    function: Annotated[dict[str, Any], Field(description="{name, arguments (a JSON string)}")]


def chat_body(params: ChatParams, extra_system: str | None = None) -> dict[str, Any]:
    """The ``/chat/completions`` request body for ``params``."""
    messages: list[dict[str, Any]] = []
    system = "\n\n".join(part for part in (params.system, extra_system) if part)
    if system:
        messages.append({"role": "system", "content": system})
    messages.extend(message.model_dump(exclude_none=True) for message in params.messages)
    if params.prompt is not None:
        messages.append({"role": "user", "content": params.prompt})
    body: dict[str, Any] = {"model": params.model, "messages": messages}
    for name in ("temperature", "top_p", "seed"):
        if getattr(params, name) is not None:
            body[name] = getattr(params, name)
    if params.max_tokens is not None:
        body[params.max_tokens_param] = params.max_tokens
    if params.stop:
        body["stop"] = params.stop
    return body


def first_choice(reply: Any, action: str) -> dict[str, Any]:
    """``choices[0]`` of a chat completion, or a clear error when the server sent none."""
    choices = reply.get("choices") if isinstance(reply, dict) else None
    if not choices or not isinstance(choices[0], dict):
        raise ConnectorError(f"{action}: the server's reply has no choices")
    return choices[0]


def message_text(message: dict[str, Any]) -> str | None:
    """The message's text; some compatible servers send content as a list of parts."""
    content = message.get("content")
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict)) or None
    return content if isinstance(content, str) else None
