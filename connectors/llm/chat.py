"""LLM: one chat completion (llm.chat, v1), with optional tool definitions passed through."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from connectors.llm.connector import LLM
from connectors.llm.models import ChatParams, ToolCall, Usage, chat_body, first_choice, message_text
from connectors.llm.usage import record_usage
from connectors.sdk import ActionContext, ActionOutput

__all__ = ["ChatInput", "ChatOutput", "chat"]


class ChatInput(ChatParams):
    tools: Annotated[
        list[dict[str, Any]], Field(description="OpenAI tool definitions ({type: function, function: {...}})")
    ] = []
    tool_choice: Annotated[
        str | dict[str, Any] | None, Field(description="auto, none, required, or a named function")
    ] = None


class ChatOutput(ActionOutput):
    id: str | None = None
    model: str
    content: str | None
    tool_calls: list[ToolCall] = []
    finish_reason: Annotated[str | None, Field(description="stop, length, tool_calls, content_filter")] = None
    usage: Usage


@LLM.action("chat", version=1)
def chat(params: ChatInput, ctx: ActionContext) -> ChatOutput:
    """Send a conversation to the model and return its reply, tool calls and token usage."""
    body = chat_body(params)
    if params.tools:
        body["tools"] = params.tools
    if params.tool_choice is not None:
        body["tool_choice"] = params.tool_choice
    reply = ctx.http.post("/chat/completions", json=body).json()
    choice = first_choice(reply, ctx.action_id)
    message = choice.get("message") or {}
    usage = Usage.model_validate(reply.get("usage") or {})
    model = str(reply.get("model") or params.model)
    record_usage(ctx, model, usage)
    return ChatOutput(
        id=reply.get("id"),
        model=model,
        content=message_text(message),
        tool_calls=[ToolCall.model_validate(call) for call in message.get("tool_calls") or []],
        finish_reason=choice.get("finish_reason"),
        usage=usage,
    )
