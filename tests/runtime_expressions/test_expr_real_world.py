"""Every expression in the real-world ASL collection parses with our parsers.

175 definitions from AWS's workflow collection hold intrinsic calls, JSONata templates and
JSONPath paths as people really write them; AWS accepted them all, so none may fail to parse.
"""

from __future__ import annotations

import json
from typing import Any

from state_machines.runtime.errors import StatesError
from state_machines.runtime.intrinsics import is_intrinsic, parse_intrinsic
from state_machines.runtime.jsonata_eval import check_jsonata_syntax, is_jsonata_template, template_expression
from state_machines.runtime.jsonpath import is_path, read_path

from .conftest import REAL_WORLD, require_data

_PATH_KEYS = ("Variable",)


def _expressions() -> list[tuple[str, str, str]]:
    """``(file, kind, text)`` for every expression in the collection."""
    found: list[tuple[str, str, str]] = []

    def walk(value: Any, key: str | None, name: str) -> None:
        if isinstance(value, dict):
            for child_key, child in value.items():
                walk(child, child_key, name)
        elif isinstance(value, list):
            for child in value:
                walk(child, key, name)
        elif isinstance(value, str):
            takes_path = key is not None and (key.endswith((".$", "Path")) or key in _PATH_KEYS)
            if is_jsonata_template(value):
                found.append((name, "jsonata", value))
            elif takes_path and is_intrinsic(value):
                found.append((name, "intrinsic", value))
            elif takes_path and is_path(value):
                found.append((name, "path", value))

    for path in sorted(require_data(REAL_WORLD).glob("*.json")):
        walk(json.loads(path.read_text()), None, path.name)
    return found


def _parse_error(kind: str, text: str) -> str | None:
    if kind == "jsonata":
        return check_jsonata_syntax(template_expression(text) or "")
    try:
        if kind == "intrinsic":
            parse_intrinsic(text)
        else:
            # Parsing happens before the lookup; a missing value is not a parse error.
            read_path(
                text,
                {},
                context={},
                variables={text[1:].split(".", maxsplit=1)[0].split("[", maxsplit=1)[0]: {}},
            )
    except StatesError as exc:
        cause = exc.cause or ""
        if "No results" in cause or "Missing property" in cause or "Index out of bounds" in cause:
            return None
        if "can only be applied to arrays" in cause or "cannot be applied" in cause:
            return None
        return cause
    return None


def test_every_real_world_expression_parses() -> None:
    expressions = _expressions()
    kinds = {kind for _, kind, _ in expressions}
    assert kinds == {"jsonata", "intrinsic", "path"}
    assert len(expressions) > 1500
    failures = [
        (name, text, error) for name, kind, text in expressions if (error := _parse_error(kind, text))
    ]
    assert failures == []
