"""The editor's copy of the built-in node types matches the compiler's (no browser needed).

The palette needs every built-in type with its params schema and output handles, and the node-id
check needs the reserved names; the API's connector catalog carries neither. Regenerate the copy
with ``WFAIB_UPDATE_EDITOR_BUILTINS=1 pytest tests/e2e/test_builtin_catalog.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from state_machines.model import validate
from state_machines.model.node_types import builtin_node_types

BUILTINS_JSON = Path(__file__).resolve().parents[2] / "web" / "src" / "catalog" / "builtins.json"


def editor_builtins() -> dict[str, Any]:
    """What the editor should carry, derived from the compiler's own definitions."""
    return {
        "node_types": [
            {
                "type": node_type.type,
                "kind": str(node_type.kind),
                "title": node_type.title,
                "description": node_type.description,
                "outputs": list(node_type.outputs),
                "input_schema": node_type.input_schema,
            }
            for node_type in builtin_node_types()
        ],
        "reserved_ids": sorted(
            validate.JSONATA_FUNCTIONS | validate.RESERVED_VARIABLES | validate.STEP_FUNCTIONS_ONLY
        ),
    }


def test_the_editor_knows_every_built_in_node_type_as_the_compiler_does() -> None:
    expected = json.dumps(editor_builtins(), indent=2) + "\n"
    if os.environ.get("WFAIB_UPDATE_EDITOR_BUILTINS") == "1":
        BUILTINS_JSON.write_text(expected)

    assert json.loads(BUILTINS_JSON.read_text()) == json.loads(expected), (
        "web/src/catalog/builtins.json is stale: run WFAIB_UPDATE_EDITOR_BUILTINS=1 "
        "pytest tests/e2e/test_builtin_catalog.py"
    )
