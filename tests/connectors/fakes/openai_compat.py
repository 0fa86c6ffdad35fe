"""A fake OpenAI-compatible API (``/v1/chat/completions``, ``/v1/embeddings``): bearer keys, scripted
replies (text, tool calls, refusals, malformed JSON), ``usage`` counts, OpenAI's
``{"error": {"message", "type", "param", "code"}}`` bodies."""

from __future__ import annotations

import hashlib
import itertools
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Request, Response

from fakes.server import FakeServer, json_response

__all__ = ["API_KEY", "CHAT_MODEL", "EMBEDDING_MODEL", "FakeLLM", "openai_error"]

API_KEY = "sk-test-FakeOpenAiKey0123456789abcdefABCDEF"
CHAT_MODEL = "gpt-4o-mini"
EMBEDDING_MODEL = "text-embedding-3-small"
_MODELS = {CHAT_MODEL, "claude-sonnet-4-5", "o3-mini", EMBEDDING_MODEL}


def openai_error(
    status: int,
    message: str,
    *,
    type_: str = "invalid_request_error",
    code: str | None = None,
    param: str | None = None,
) -> Response:
    """OpenAI's error body."""
    return json_response({"error": {"message": message, "type": type_, "param": param, "code": code}}, status)


@dataclass
class Scripted:
    content: str | None = None
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    finish_reason: str = "stop"
    refusal: str | None = None


def _words(value: Any) -> int:
    return len(str(value or "").split())


class FakeLLM(FakeServer):
    """Answers scripted replies in order, then echoes the last user message."""

    def __init__(self) -> None:
        super().__init__()
        self.scripted: deque[Scripted] = deque()
        self._ids = itertools.count(1)
        self.route("POST", "/v1/chat/completions")(self._chat)
        self.route("POST", "/v1/embeddings")(self._embeddings)

    def reply(self, content: str | None = None, **kwargs: Any) -> None:
        """Script the next chat reply."""
        self.scripted.append(Scripted(content=content, **kwargs))

    def _denied(self, request: Request) -> Response | None:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if given != API_KEY:
            masked = f"{given[:6]}{'*' * 8}{given[-4:]}" if len(given) > 10 else "***"
            return openai_error(
                401,
                f"Incorrect API key provided: {masked}. You can find your API key at https://platform.openai.com/account/api-keys.",
                code="invalid_api_key",
            )
        return None

    def _model(self, body: dict[str, Any]) -> Response | None:
        if body.get("model") not in _MODELS:
            return openai_error(
                404,
                f"The model `{body.get('model')}` does not exist or you do not have access to it.",
                code="model_not_found",
            )
        return None

    def _chat(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        body = request.get_json(silent=True) or {}
        if (missing := self._model(body)) is not None:
            return missing
        messages = body.get("messages") or []
        if not messages:
            return openai_error(400, "[] is too short - 'messages'", param="messages")
        for index, message in enumerate(messages):
            if message.get("role") == "tool" and not message.get("tool_call_id"):
                return openai_error(
                    400,
                    f"Missing required parameter: 'messages[{index}].tool_call_id'.",
                    param=f"messages[{index}].tool_call_id",
                    code="missing_required_parameter",
                )
        response_format = body.get("response_format")
        if response_format and response_format.get("type") == "json_schema":
            spec = response_format.get("json_schema") or {}
            if "name" not in spec or "schema" not in spec:
                return openai_error(
                    400,
                    "Missing required parameter: 'response_format.json_schema.name'.",
                    param="response_format",
                )
        scripted = self.scripted.popleft() if self.scripted else None
        if scripted is None:
            last = next((m for m in reversed(messages) if m.get("role") == "user"), {})
            scripted = Scripted(content=f"You said: {last.get('content')}")
        message: dict[str, Any] = {
            "role": "assistant",
            "content": scripted.content,
            "refusal": scripted.refusal,
        }
        if scripted.tool_calls:
            message["tool_calls"] = scripted.tool_calls
        prompt_tokens = sum(_words(m.get("content")) for m in messages)
        completion_tokens = max(1, _words(scripted.content))
        return json_response(
            {
                "id": f"chatcmpl-{next(self._ids)}",
                "object": "chat.completion",
                "created": 1763683200,
                "model": f"{body['model']}-2024-07-18" if body["model"] == CHAT_MODEL else body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": message,
                        "logprobs": None,
                        "finish_reason": scripted.finish_reason,
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
                "system_fingerprint": "fp_fake",
            }
        )

    def _embeddings(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        body = request.get_json(silent=True) or {}
        if (missing := self._model(body)) is not None:
            return missing
        texts = body.get("input")
        texts = [texts] if isinstance(texts, str) else texts
        if not texts or not all(isinstance(t, str) and t for t in texts):
            return openai_error(400, "'$.input' is invalid. Please check the API reference.", param="input")
        size = int(body.get("dimensions") or 8)
        data = []
        for index, text in enumerate(texts):
            digest = hashlib.sha256(text.encode()).digest()
            vector = [round(digest[i % len(digest)] / 255, 6) for i in range(size)]
            data.append({"object": "embedding", "index": index, "embedding": vector})
        tokens = sum(_words(t) for t in texts)
        # Reversed on purpose: clients must order by ``index``, not by position.
        return json_response(
            {
                "object": "list",
                "data": data[::-1],
                "model": body["model"],
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            }
        )
