"""Finding connector packages: every sub-package of ``connectors`` except ``sdk`` exposing ``connector``."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

import connectors
from connectors.sdk.connector import Connector

__all__ = ["all_connectors", "connector_ids", "load_connector"]

_NOT_CONNECTORS = frozenset({"sdk"})


def connector_ids() -> list[str]:
    """Ids of the connector packages on disk, sorted (nothing is imported).

    Example:
        >>> "slack" in connector_ids()
        True
    """
    return sorted(
        info.name
        for info in pkgutil.iter_modules(connectors.__path__)
        if info.ispkg and info.name not in _NOT_CONNECTORS and not info.name.startswith("_")
    )


@cache
def load_connector(connector_id: str) -> Connector:
    """Import ``connectors.<id>`` (and only it) and return its ``connector``.

    Example:
        >>> load_connector("slack").name
        'Slack'
    """
    if connector_id in _NOT_CONNECTORS or not connector_id.isidentifier():
        raise LookupError(f"{connector_id!r} is not a connector package")
    try:
        module = importlib.import_module(f"connectors.{connector_id}")
    except ModuleNotFoundError as exc:
        if exc.name == f"connectors.{connector_id}":
            raise LookupError(f"no connector package connectors/{connector_id}") from None
        raise
    connector = getattr(module, "connector", None)
    if not isinstance(connector, Connector):
        raise LookupError(f"connectors/{connector_id} does not expose `connector = Connector(...)`")
    if connector.id != connector_id:
        raise LookupError(f"connectors/{connector_id} declares id {connector.id!r}; they must match")
    return connector


def all_connectors() -> list[Connector]:
    """Every connector package, imported, sorted by id.

    Example:
        >>> [c.id for c in all_connectors()][:2]  # doctest: +SKIP
        ['github', 'http']
    """
    return [load_connector(connector_id) for connector_id in connector_ids()]
