"""LLM: chat, structured output and embeddings against any OpenAI-compatible endpoint.

The connector id is ``llm``, not ``openai``: the same code talks to OpenAI, Anthropic's
OpenAI-compatible endpoint, Amazon Bedrock behind an OpenAI-compatible gateway, and local servers
(Ollama, vLLM, llama.cpp) — the credential's ``base_url`` picks the provider, and the id should not
promise one vendor nor take the name a vendor-specific connector may need later. Node types read
``llm.chat``, ``llm.structured_output``, ``llm.embeddings`` (SPEC's ``ai.llm`` node).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from connectors.sdk import BearerAuth, Connector, ConnectorError

if TYPE_CHECKING:
    import httpx

__all__ = ["LLM", "map_error"]


def map_error(response: httpx.Response) -> ConnectorError | None:
    """OpenAI answers an exhausted quota or billing limit with 429 ``insufficient_quota``: waiting
    will not help, so it is a permanent error rather than a rate limit."""
    if response.status_code != 429:
        return None
    try:
        body: Any = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("code") == "insufficient_quota":
        return ConnectorError(
            f"LLM: the account's quota is exhausted ({error.get('message') or 'insufficient_quota'}); "
            "check the provider's plan and billing",
            status_code=429,
        )
    return None


LLM = Connector(
    "llm",
    "LLM (OpenAI-compatible)",
    version="1.0.0",
    icon="llm.svg",
    category="ai",
    description=(
        "Chat completions, JSON-Schema structured output and embeddings on any OpenAI-compatible API: "
        "OpenAI, Anthropic, Bedrock gateways, local model servers."
    ),
    auth=BearerAuth(),
    base_url="https://api.openai.com/v1",
    map_error=map_error,
    # Long generations take a while; the SDK default of 30 s cuts them off.
    timeout=120.0,
)
