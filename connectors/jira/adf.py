"""Atlassian Document Format (ADF): Jira v3 takes descriptions and comments as ADF, not plain text.

Only the two conversions a workflow needs are written here (no ADF library is in the dependency
set): plain text to an ADF document (blank lines separate paragraphs, single newlines become hard
breaks) and the readable text of any ADF document.
"""

from __future__ import annotations

from typing import Any

__all__ = ["adf_to_text", "text_to_adf"]

_INLINE = frozenset({"text", "hardBreak", "mention", "emoji", "inlineCard", "date", "status"})


def text_to_adf(text: str) -> dict[str, Any]:
    """An ADF ``doc`` for ``text``.

    Example:
        >>> text_to_adf("Hello\\nworld")["content"][0]["content"]
        [{'type': 'text', 'text': 'Hello'}, {'type': 'hardBreak'}, {'type': 'text', 'text': 'world'}]
    """
    paragraphs = [part for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]
    content: list[dict[str, Any]] = []
    for paragraph in paragraphs:
        inline: list[dict[str, Any]] = []
        for index, line in enumerate(paragraph.split("\n")):
            if index:
                inline.append({"type": "hardBreak"})
            if line:
                inline.append({"type": "text", "text": line})
        content.append({"type": "paragraph", "content": inline})
    return {"type": "doc", "version": 1, "content": content}


def adf_to_text(node: Any) -> str:
    """The text of an ADF node: text nodes, hard breaks as newlines, one line per block.

    Example:
        >>> adf_to_text(text_to_adf("One\\n\\nTwo"))
        'One\\nTwo'
    """
    if not isinstance(node, dict):
        return ""
    kind = node.get("type")
    if kind == "text":
        return str(node.get("text", ""))
    if kind == "hardBreak":
        return "\n"
    if kind in {"mention", "emoji", "status"}:
        return str(node.get("attrs", {}).get("text", ""))
    children = [child for child in node.get("content") or [] if isinstance(child, dict)]
    texts = [adf_to_text(child) for child in children]
    if any(child.get("type") not in _INLINE for child in children):
        # A container of blocks (doc, list, table, ...): one line per block.
        return "\n".join(text for text in texts if text)
    return "".join(texts)
