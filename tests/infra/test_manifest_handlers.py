"""Every handler the stacks deploy exists in the code, so a rename fails here, not in AWS."""

from __future__ import annotations

import importlib

import pytest

from cdk.manifest import CONNECTOR_HANDLER, PLATFORM_FUNCTIONS


@pytest.mark.parametrize(
    "handler", sorted({spec.handler for spec in PLATFORM_FUNCTIONS.values()} | {CONNECTOR_HANDLER})
)
def test_handler_path_names_a_callable(handler: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WFAIB_CONNECTOR", "http")  # the connector handler imports the one it names
    module_name, _, attribute = handler.rpartition(".")
    assert callable(getattr(importlib.import_module(module_name), attribute))
