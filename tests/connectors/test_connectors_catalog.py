"""The generated catalog: content, the committed file, and published versions that never change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import create_model

from connectors.catalog import (
    CATALOG_PATH,
    build_catalog,
    load_catalog,
    published_changes,
    read_catalog_file,
    render,
    write_catalog,
)
from connectors.sdk import ActionContext, ActionInput, ActionOutput, Connector
from connectors.sdk.registry import connector_ids


def test_committed_catalog_json_is_up_to_date() -> None:
    assert CATALOG_PATH.read_text() == render(load_catalog()), (
        "connectors/catalog.json is stale: run .venv/bin/python -m connectors.catalog --write"
    )


def test_catalog_lists_every_connector_package_with_schemas() -> None:
    catalog = read_catalog_file()
    assert [c.id for c in catalog.connectors] == connector_ids()
    for connector in catalog.connectors:
        assert len({a.id for a in connector.actions}) >= 3, connector.id
        for action in connector.actions:
            assert action.connector_id == connector.id
            assert action.input_schema["type"] == "object"
            assert action.input_schema.get("additionalProperties") is False
            assert action.output_schema["type"] == "object"
    post = catalog.get_action("slack.post_message", 1)
    assert post is not None and post.side_effect
    assert set(post.input_schema["required"]) == {"channel", "text"}
    assert catalog.get_action("slack.post_message", 99) is None
    assert catalog.get_action("nope.post_message", 1) is None


def _versioned(output_field: str) -> Connector:
    demo = Connector("demo", "Demo", version="1")

    class In(ActionInput):
        text: str

    Out = create_model("Out", __base__=ActionOutput, **{output_field: (str, ...)})  # type: ignore[call-overload]

    @demo.action("echo", version=1)
    def echo(params: In, ctx: ActionContext) -> Out:  # type: ignore[valid-type]
        raise AssertionError

    return demo


def test_changing_a_published_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    assert write_catalog(build_catalog([_versioned("text")]), path) == []
    changed = build_catalog([_versioned("body")])
    problems = write_catalog(changed, path)
    assert problems == ["demo.echo v1 was published and its schema changed: add version 2 instead"]
    assert json.loads(path.read_text())[0]["actions"][0]["output_schema"]["required"] == ["text"]
    assert published_changes(read_catalog_file(path), build_catalog([])) == [
        "demo.echo v1 was published and is gone"
    ]
    assert write_catalog(changed, path, allow_breaking=True) == []


@pytest.mark.parametrize("action_id", ["slack.post_message", "slack.list_channels"])
def test_action_versions(action_id: str) -> None:
    assert load_catalog().action_versions(action_id) == [1]
