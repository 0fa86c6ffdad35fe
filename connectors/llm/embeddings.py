"""LLM: embedding vectors for one or more texts (llm.embeddings, v1)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from connectors.llm.connector import LLM
from connectors.llm.models import Usage
from connectors.llm.usage import record_usage
from connectors.sdk import ActionContext, ActionInput, ActionOutput, ConnectorError

__all__ = ["EmbeddingsInput", "EmbeddingsOutput", "embeddings"]


class EmbeddingsInput(ActionInput):
    model: Annotated[str, Field(min_length=1, description="e.g. text-embedding-3-small, nomic-embed-text")]
    input: Annotated[
        str | Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1, max_length=2048)],
        Field(description="One text or a list of texts"),
    ]
    dimensions: Annotated[
        int | None, Field(ge=1, le=8192, description="Shorten vectors (models that allow it)")
    ] = None


class EmbeddingsOutput(ActionOutput):
    embeddings: Annotated[list[list[float]], Field(description="One vector per input text, in input order")]
    model: str
    usage: Usage


@LLM.action("embeddings", version=1)
def embeddings(params: EmbeddingsInput, ctx: ActionContext) -> EmbeddingsOutput:
    """Embed texts; vectors come back in the order of the inputs."""
    body = params.model_dump(exclude_none=True) | {"encoding_format": "float"}
    reply = ctx.http.post("/embeddings", json=body).json()
    items = sorted(reply.get("data") or [], key=lambda item: int(item.get("index", 0)))
    expected = 1 if isinstance(params.input, str) else len(params.input)
    if len(items) != expected:
        raise ConnectorError(
            f"{ctx.action_id}: asked for {expected} embeddings, the server returned {len(items)}"
        )
    usage = Usage.model_validate(reply.get("usage") or {})
    model = str(reply.get("model") or params.model)
    record_usage(ctx, model, usage)
    return EmbeddingsOutput(embeddings=[item["embedding"] for item in items], model=model, usage=usage)
