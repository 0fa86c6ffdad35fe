"""The shapes every node mapper shares: an n8n node as read, what a mapper returns, its context."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from state_machines.model import NodeCatalog
from state_machines.model.expressions import template_to_jsonata
from state_machines.n8n.expressions import (
    ExpressionContext,
    UntranslatableError,
    is_expression,
    translate_string,
    translate_value,
)

__all__ = ["Mapped", "N8nNode", "NodeContext", "UnsupportedNodeError", "locator"]


class UnsupportedNodeError(Exception):
    """This node (or this operation of it) has no WFAIB equivalent; the message says why."""


@dataclass(frozen=True)
class N8nNode:
    """One node of an n8n export, with the fields the converter reads."""

    name: str
    type: str
    version: float
    parameters: dict[str, Any]
    position: tuple[float, float] | None = None
    disabled: bool = False
    on_error: str | None = None
    credentials: dict[str, Any] = field(default_factory=dict)
    notes: str | None = None
    retry_on_fail: bool = False
    max_tries: int = 3
    wait_between_tries_ms: int = 1000

    @property
    def short_type(self) -> str:
        """``n8n-nodes-base.slack`` → ``slack``; ``@n8n/n8n-nodes-langchain.agent`` → ``agent``."""
        return self.type.rsplit(".", 1)[-1]

    def param(self, name: str, default: Any = None) -> Any:
        value = self.parameters.get(name, default)
        return default if value is None else value

    def option(self, group: str, name: str, default: Any = None) -> Any:
        """``parameters[group][name]`` (``options``, ``additionalFields``), or ``default``."""
        values = self.parameters.get(group)
        if isinstance(values, dict) and values.get(name) is not None:
            return values[name]
        return default


@dataclass
class Mapped:
    """A WFAIB node made from an n8n node.

    ``outputs`` maps n8n output indexes to WFAIB branch names (``None``: a plain output);
    ``partial`` names what did not carry over, which makes the node a report placeholder even
    though it does part of the job. ``output`` reshapes the action's result into what the n8n
    node gave (``{{ $input.body }}`` for an HTTP response), so the expressions of later nodes
    read the fields they read in n8n; the converter adds it as a data step after the action,
    which the compiler folds into the action's state.
    """

    type: str
    params: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    partial: str | None = None
    outputs: dict[int, str | None] = field(default_factory=dict)
    output: Any = None


@dataclass
class NodeContext:
    """What a mapper may use: the node, expression translation and the node catalog."""

    node: N8nNode
    expressions: ExpressionContext
    catalog: NodeCatalog
    attachments: dict[str, list[N8nNode]] = field(default_factory=dict)
    untranslated: list[str] = field(default_factory=list)

    def value(self, value: Any) -> Any:
        """An n8n parameter value with its expressions translated (failures become markers)."""
        return translate_value(value, self.expressions, self.untranslated)

    def text(self, value: Any) -> Any:
        """A parameter that should be text: resource locators unwrapped, numbers made strings."""
        value = locator(value)
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int | float):
            return str(value)
        return self.value(value)

    def jsonata(self, value: Any) -> str:
        """A parameter as one JSONata expression (for conditions); raises when it cannot be."""
        value = locator(value)
        if isinstance(value, str) and is_expression(value):
            template = translate_string(value, self.expressions)
            return template_to_jsonata(template) if "{{" in template else json.dumps(template)
        if isinstance(value, str) and ("{{" in value or "}}" in value):
            raise UntranslatableError("a literal holding '{{' cannot be compared")
        return json.dumps(value, ensure_ascii=False)

    def require(self, action: str) -> str:
        """``action`` when the catalog has it; else the node is unsupported here."""
        if self.catalog.latest_version(action) is None:
            raise UnsupportedNodeError(f"the WFAIB action '{action}' is not installed")
        return action

    def attached(self, kind: str) -> list[N8nNode]:
        """AI sub-nodes attached to this node by connection type (``ai_languageModel``, ...)."""
        return self.attachments.get(kind, [])


def locator(value: Any) -> Any:
    """The value of an n8n resource locator (``{"__rl": true, "value": "C123", "mode": "id"}``)."""
    if isinstance(value, dict) and value.get("__rl"):
        return value.get("value")
    return value
