"""``wfaib connectors list`` and ``wfaib connector new`` (the scaffold's own test must pass)."""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import connectors
from wfaib.commands.connectors import register


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_list_json_prints_the_catalog_shape(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["connectors", "list", "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    slack = next(c for c in listed if c["id"] == "slack")
    assert {"id", "name", "version", "auth", "actions"} <= set(slack)
    assert slack["auth"] == "bearer"
    action = next(a for a in slack["actions"] if a["id"] == "slack.post_message")
    assert {"id", "version", "side_effect", "input_schema", "output_schema"} <= set(action)


def test_list_table(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["connectors", "list"])
    assert result.exit_code == 0
    assert "post_message v1" in result.output


def test_new_rejects_bad_names_and_existing_packages(app: typer.Typer, tmp_path: Path) -> None:
    assert CliRunner().invoke(app, ["connector", "new", "Bad-Name", "--root", str(tmp_path)]).exit_code == 2
    assert CliRunner().invoke(app, ["connector", "new", "sdk", "--root", str(tmp_path)]).exit_code == 2
    assert CliRunner().invoke(app, ["connector", "new", "acme", "--root", str(tmp_path)]).exit_code == 0
    again = CliRunner().invoke(app, ["connector", "new", "acme", "--root", str(tmp_path)])
    assert again.exit_code == 2
    assert "already exists" in again.output


def test_scaffolded_connector_imports_and_its_test_passes(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "scaffold_probe"
    result = CliRunner().invoke(app, ["connector", "new", name, "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    # Make the scaffolded package importable as connectors.<name>, as it is in the repository.
    monkeypatch.setattr(connectors, "__path__", [*connectors.__path__, str(tmp_path / "connectors")])
    package = importlib.import_module(f"connectors.{name}")
    assert sorted(a.id for a in package.connector.actions) == [f"{name}.create_item", f"{name}.get_item"]
    test_path = tmp_path / "tests" / "connectors" / f"test_connector_{name}.py"
    spec = importlib.util.spec_from_file_location(f"scaffold_test_{name}", test_path)
    assert spec is not None and spec.loader is not None
    test_module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(test_module)
    try:
        tests = [getattr(test_module, n) for n in dir(test_module) if n.startswith("test_")]
        assert len(tests) == 2
        for test in tests:
            test()
    finally:
        for module in [m for m in sys.modules if m.startswith(f"connectors.{name}")]:
            del sys.modules[module]


def test_from_openapi_writes_a_connector_package_that_loads(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fakes.petstore import PETSTORE_OPENAPI

    spec = tmp_path / "petstore.json"
    spec.write_text(json.dumps(PETSTORE_OPENAPI))
    name = "openapi_probe"
    result = CliRunner().invoke(
        app, ["connector", "from-openapi", str(spec), "--id", name, "--root", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    monkeypatch.setattr(connectors, "__path__", [*connectors.__path__, str(tmp_path / "connectors")])
    try:
        package = importlib.import_module(f"connectors.{name}")
        assert [a.name for a in package.connector.actions] == [
            "create_pet",
            "delete_pet",
            "get_pet",
            "list_pets",
        ]
    finally:
        for module in [m for m in sys.modules if m.startswith(f"connectors.{name}")]:
            del sys.modules[module]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"swagger": "2.0"}))
    refused = CliRunner().invoke(
        app, ["connector", "from-openapi", str(bad), "--id", "bad_probe", "--root", str(tmp_path)]
    )
    assert refused.exit_code == 2
    assert "OpenAPI 3" in refused.output
