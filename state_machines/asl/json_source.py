"""Reading a definition's JSON text, keeping what ``json.loads`` throws away: duplicate keys.

AWS rejects a definition in which an object repeats a key; Python's ``json`` silently keeps the
last value. ``object_pairs_hook`` sees every pair, so each object remembers the keys it saw twice
and the caller gets their JSON pointers.
"""

from __future__ import annotations

import json
from typing import Any

from state_machines.asl.diagnostics import json_pointer

__all__ = ["DuplicateKey", "parse_definition_text"]


class _ObjectWithDuplicates(dict[str, Any]):
    """A parsed JSON object that remembers which of its keys appeared more than once."""

    duplicates: tuple[str, ...] = ()


class DuplicateKey:
    """A key repeated inside one JSON object, with the pointer of that object."""

    __slots__ = ("key", "pointer")

    def __init__(self, pointer: str, key: str) -> None:
        self.pointer = pointer
        self.key = key


def _pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    repeated: list[str] = []
    for key, _ in pairs:
        if key in seen and key not in repeated:
            repeated.append(key)
        seen.add(key)
    if not repeated:
        return dict(pairs)
    obj = _ObjectWithDuplicates(pairs)
    obj.duplicates = tuple(repeated)
    return obj


def _collect(value: Any, parts: tuple[str | int, ...], found: list[DuplicateKey]) -> Any:
    """Walk the parsed tree, note the duplicates and return it made of plain dicts."""
    if isinstance(value, dict):
        if isinstance(value, _ObjectWithDuplicates):
            found.extend(DuplicateKey(json_pointer(parts), key) for key in value.duplicates)
        return {k: _collect(v, (*parts, k), found) for k, v in value.items()}
    if isinstance(value, list):
        return [_collect(v, (*parts, i), found) for i, v in enumerate(value)]
    return value


def parse_definition_text(text: str) -> tuple[Any, list[DuplicateKey]]:
    """Parse JSON text; return the value and every duplicate key found in it.

    Raises ``json.JSONDecodeError`` (a ``ValueError``) when the text is not JSON.
    """
    raw = json.loads(text, object_pairs_hook=_pairs_hook)
    found: list[DuplicateKey] = []
    return _collect(raw, (), found), found
