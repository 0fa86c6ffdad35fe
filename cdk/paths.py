"""Where the CDK app finds the repository's files (relative to this file, never absolute)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["LAMBDA_SOURCE_PACKAGES", "PLACEHOLDER_SITE", "REPO_ROOT", "RUNTIME_LAYER_DIR", "WEB_DIST"]

REPO_ROOT = Path(__file__).resolve().parent.parent

# The Python packages that make up every Lambda's code asset. cdk/ and tests/ never ship.
LAMBDA_SOURCE_PACKAGES: tuple[str, ...] = ("state_machines", "connectors", "functions")

RUNTIME_LAYER_DIR = REPO_ROOT / "layers" / "runtime"
WEB_DIST = REPO_ROOT / "web" / "dist"
PLACEHOLDER_SITE = Path(__file__).resolve().parent / "assets" / "placeholder"
