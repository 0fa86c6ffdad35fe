"""The connector catalog: every connector, action version and JSON Schema, generated from the code.

The compiler and the editor read it: for each ``<connector>.<action>`` and version, the input and
output JSON Schemas, ``side_effect``, the connector and its auth type. :func:`load_catalog` builds
it by importing every connector package (cached); ``connectors/catalog.json`` is the same data
committed, so the compiler and the CDK app can read it without importing any connector
(:func:`read_catalog_file`). Regenerate with ``python -m connectors.catalog --write``; a test
fails when it is stale, and the generator refuses to change a version that is already published.
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from connectors.sdk.connector import ActionSpec, Connector, TriggerSpec

__all__ = [
    "CATALOG_PATH",
    "ActionEntry",
    "Catalog",
    "ConnectorEntry",
    "TriggerEntry",
    "build_catalog",
    "load_catalog",
    "published_changes",
    "read_catalog_file",
    "render",
    "to_json",
    "write_catalog",
]

CATALOG_PATH = Path(__file__).with_name("catalog.json")


class ActionEntry(BaseModel):
    """One version of one action.

    Example:
        >>> load_catalog().get_action("slack.post_message", 1).side_effect
        True
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    version: int
    title: str
    description: str
    side_effect: bool
    deprecated: bool = False
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]

    @property
    def connector_id(self) -> str:
        """The connector this action belongs to."""
        return self.id.split(".", 1)[0]


class TriggerEntry(BaseModel):
    """One version of one trigger (``polling`` or ``webhook``).

    Example:
        >>> entry = load_catalog().get_connector("github").triggers[0]  # doctest: +SKIP
        >>> entry.kind  # doctest: +SKIP
        'webhook'
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    version: int
    kind: str
    title: str
    description: str
    config_schema: dict[str, Any]
    event_schema: dict[str, Any]


class ConnectorEntry(BaseModel):
    """A connector: identity, auth, and its action and trigger versions.

    ``auth`` is the auth type (``none``, ``api_key``, ``basic``, ``bearer``, ``oauth2``,
    ``aws_iam``); ``auth_config`` its settings; ``credential_schema`` the JSON Schema of the
    secret the user fills in (None for ``none``).

    Example:
        >>> load_catalog().get_connector("slack").auth
        'bearer'
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    version: str
    category: str
    description: str
    icon: str | None
    auth: str
    auth_config: dict[str, Any]
    credential_schema: dict[str, Any] | None
    actions: list[ActionEntry]
    triggers: list[TriggerEntry]


class Catalog(BaseModel):
    """Every connector, sorted by id; actions sorted by id then version.

    Example:
        >>> catalog = load_catalog()
        >>> catalog.get_action("slack.post_message", 1).input_schema["required"]
        ['channel', 'text']
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    connectors: list[ConnectorEntry]

    def get_connector(self, connector_id: str) -> ConnectorEntry | None:
        """The connector ``connector_id``, or None."""
        return next((c for c in self.connectors if c.id == connector_id), None)

    def get_action(self, action_id: str, version: int) -> ActionEntry | None:
        """The action ``<connector>.<action>`` at ``version``, or None."""
        connector = self.get_connector(action_id.split(".", 1)[0])
        if connector is None:
            return None
        return next((a for a in connector.actions if a.id == action_id and a.version == version), None)

    def action_versions(self, action_id: str) -> list[int]:
        """The published versions of ``action_id``, ascending (empty when unknown)."""
        connector = self.get_connector(action_id.split(".", 1)[0])
        return sorted(a.version for a in connector.actions if a.id == action_id) if connector else []


def _schema(model: type[BaseModel], mode: str = "validation") -> dict[str, Any]:
    """The model's JSON Schema, descriptions cut before docstring examples (editor text, not doctests)."""
    schema = model.model_json_schema(mode="serialization" if mode == "serialization" else "validation")
    for part in [schema, *schema.get("$defs", {}).values()]:
        if isinstance(part.get("description"), str):
            part["description"] = part["description"].split("\n\nExample")[0].strip()
    return schema


def _action_entry(spec: ActionSpec) -> ActionEntry:
    return ActionEntry(
        id=spec.id,
        version=spec.version,
        title=spec.title,
        description=spec.description,
        side_effect=spec.side_effect,
        deprecated=spec.deprecated,
        input_schema=_schema(spec.input_model),
        output_schema=_schema(spec.output_model, "serialization"),
    )


def _trigger_entry(spec: TriggerSpec) -> TriggerEntry:
    return TriggerEntry(
        id=spec.id,
        version=spec.version,
        kind=spec.kind,
        title=spec.title,
        description=spec.description,
        config_schema=_schema(spec.config_model),
        event_schema=_schema(spec.event_model, "serialization"),
    )


def _connector_entry(connector: Connector) -> ConnectorEntry:
    credential_model = connector.credential_model
    return ConnectorEntry(
        id=connector.id,
        name=connector.name,
        version=connector.version,
        category=connector.category,
        description=connector.description,
        icon=connector.icon,
        auth=connector.auth.type,
        auth_config=connector.auth.model_dump(exclude={"type"}),
        credential_schema=_schema(credential_model) if credential_model else None,
        actions=[_action_entry(spec) for spec in connector.actions],
        triggers=[_trigger_entry(spec) for spec in connector.triggers],
    )


def build_catalog(connectors: list[Connector]) -> Catalog:
    """The catalog of ``connectors``.

    Example:
        >>> from connectors.sdk.registry import all_connectors
        >>> build_catalog(all_connectors()).get_connector("slack").name
        'Slack'
    """
    return Catalog(connectors=[_connector_entry(c) for c in sorted(connectors, key=lambda c: c.id)])


@cache
def load_catalog() -> Catalog:
    """The catalog of every connector package (imports them all once; cached).

    Example:
        >>> [a.id for a in load_catalog().get_connector("slack").actions][:1]
        ['slack.add_reaction']
    """
    from connectors.sdk.registry import all_connectors

    return build_catalog(all_connectors())


def read_catalog_file(path: Path = CATALOG_PATH) -> Catalog:
    """The committed ``catalog.json`` (imports no connector).

    Example:
        >>> read_catalog_file().get_action("slack.post_message", 1).id
        'slack.post_message'
    """
    return Catalog(connectors=json.loads(path.read_text()))


def to_json(catalog: Catalog) -> list[dict[str, Any]]:
    """The catalog as ``wfaib connectors list --json`` prints it and ``catalog.json`` stores it:
    a list of ``{id, name, version, auth, actions: [{id, version, side_effect, input_schema,
    output_schema, ...}], ...}``."""
    return [connector.model_dump(mode="json") for connector in catalog.connectors]


def render(catalog: Catalog) -> str:
    """The canonical text of ``catalog.json``."""
    return json.dumps(to_json(catalog), indent=2, ensure_ascii=False) + "\n"


def published_changes(published: Catalog, current: Catalog) -> list[str]:
    """Action versions in ``published`` that ``current`` removed or changed (must be none).

    Example:
        >>> published_changes(load_catalog(), load_catalog())
        []
    """
    problems: list[str] = []
    for connector in published.connectors:
        for entry in connector.actions:
            now = current.get_action(entry.id, entry.version)
            if now is None:
                problems.append(f"{entry.id} v{entry.version} was published and is gone")
            elif (now.input_schema, now.output_schema, now.side_effect) != (
                entry.input_schema,
                entry.output_schema,
                entry.side_effect,
            ):
                problems.append(
                    f"{entry.id} v{entry.version} was published and its schema changed: "
                    f"add version {entry.version + 1} instead"
                )
    return problems


def write_catalog(catalog: Catalog, path: Path = CATALOG_PATH, *, allow_breaking: bool = False) -> list[str]:
    """Write ``catalog`` to ``path`` unless it changes a published version; returns the problems.

    Example:
        >>> write_catalog(load_catalog())  # doctest: +SKIP
        []
    """
    if path.exists() and not allow_breaking:
        problems = published_changes(read_catalog_file(path), catalog)
        if problems:
            return problems
    path.write_text(render(catalog))
    return []


def main(argv: list[str] | None = None) -> int:
    """``python -m connectors.catalog [--write|--check] [--allow-breaking]``."""
    parser = argparse.ArgumentParser(prog="python -m connectors.catalog", description=__doc__)
    parser.add_argument("--write", action="store_true", help="regenerate connectors/catalog.json")
    parser.add_argument("--check", action="store_true", help="exit 1 when catalog.json is stale")
    parser.add_argument("--allow-breaking", action="store_true", help="let a published version change")
    args = parser.parse_args(argv)
    catalog = load_catalog()
    if args.write:
        problems = write_catalog(catalog, allow_breaking=args.allow_breaking)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    if args.check:
        stale = not CATALOG_PATH.exists() or CATALOG_PATH.read_text() != render(catalog)
        if stale:
            print("connectors/catalog.json is stale: python -m connectors.catalog --write", file=sys.stderr)
        return 1 if stale else 0
    sys.stdout.write(render(catalog))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
