"""LLM connector (OpenAI-compatible): chat with tools, JSON-Schema structured output, embeddings."""

from connectors.llm import chat, embeddings, structured
from connectors.llm.connector import LLM as connector

__all__ = ["chat", "connector", "embeddings", "structured"]
