"""Run the reference ASL validator (npm ``asl-validator``) over many definitions at once.

Tests compare our own validator and the compiler's output with it. Node starts once per batch
(``tools/asl-validator/validate.js FILE...``) because its start-up dominates the cost. A missing
``node`` or ``node_modules`` raises ``ReferenceValidatorUnavailableError``: a cross-check that
silently passed without running would prove nothing.

Example:
    >>> from support.asl_validator import validate_with_reference
    >>> validate_with_reference({"hello": {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}})
    {'hello': []}
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["ReferenceValidatorUnavailableError", "validate_with_reference"]

REPO_ROOT = Path(__file__).resolve().parents[2]
TOOL_DIR = REPO_ROOT / "tools" / "asl-validator"
SCRIPT = TOOL_DIR / "validate.js"
PACKAGE = TOOL_DIR / "node_modules" / "asl-validator"
# Files per Node process: keeps the command line short and each run well under a minute.
BATCH_SIZE = 200


class ReferenceValidatorUnavailableError(RuntimeError):
    """The reference validator cannot run here (no ``node``, or ``npm ci`` not run)."""


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise ReferenceValidatorUnavailableError(
            "The reference ASL validator needs Node.js, and 'node' is not on PATH. "
            "Install Node.js (the Debian package 'nodejs'), then run 'make bootstrap'."
        )
    if not SCRIPT.is_file() or not PACKAGE.is_dir():
        raise ReferenceValidatorUnavailableError(
            f"The reference ASL validator is not installed: {PACKAGE.relative_to(REPO_ROOT)} is missing. "
            "Run 'make bootstrap' (it runs 'npm ci' in tools/asl-validator)."
        )
    return node


def _run_batch(node: str, files: list[Path]) -> dict[str, Any]:
    completed = subprocess.run(
        [node, str(SCRIPT), *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
        cwd=TOOL_DIR,
        timeout=600,
    )
    if completed.returncode != 0:
        raise ReferenceValidatorUnavailableError(
            f"The reference ASL validator failed (exit {completed.returncode}): {completed.stderr.strip()}"
        )
    try:
        results: dict[str, Any] = json.loads(completed.stdout)
    except json.JSONDecodeError as exc:
        raise ReferenceValidatorUnavailableError(
            f"The reference ASL validator printed something that is not JSON: {completed.stdout[:200]!r}"
        ) from exc
    return results


def _readable(error: str) -> str:
    """``CODE: message`` from the JSON object asl-validator reports, else the text unchanged."""
    try:
        parsed = json.loads(error)
    except json.JSONDecodeError:
        return error
    if isinstance(parsed, dict) and "Message" in parsed:
        return f"{parsed.get('Error code', 'ERROR')}: {parsed['Message']}"
    return error


def validate_with_reference(definitions: Mapping[str, Mapping[str, Any]]) -> dict[str, list[str]]:
    """Validate each named definition with asl-validator (``checkPaths`` and ``checkArn`` on).

    Returns name -> the reference's error messages; an empty list means it found it valid.
    """
    node = _node()
    # Identical definitions (common in test corpora) are validated once.
    texts = {name: json.dumps(definition, sort_keys=True) for name, definition in definitions.items()}
    unique = sorted(set(texts.values()))
    verdicts: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="asl-reference-") as tmp:
        files: list[Path] = []
        for index, text in enumerate(unique):
            path = Path(tmp) / f"{index:06d}.asl.json"
            path.write_text(text, encoding="utf-8")
            files.append(path)
        for start in range(0, len(files), BATCH_SIZE):
            batch = files[start : start + BATCH_SIZE]
            results = _run_batch(node, batch)
            for path in batch:
                result = results.get(str(path))
                if result is None:
                    raise ReferenceValidatorUnavailableError(
                        f"The reference ASL validator skipped {path.name}."
                    )
                errors = [_readable(str(e)) for e in result["errors"]]
                text = unique[int(path.name.split(".")[0])]
                verdicts[text] = [] if result["isValid"] else errors or ["invalid (no message)"]
    return {name: verdicts[text] for name, text in texts.items()}
