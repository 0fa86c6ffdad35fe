"""Damaged exports: the importer either refuses them (``InvalidN8nDocumentError``) or returns a valid workflow.

Real exports are mutated at random places (a fixed seed, so a failure reproduces) with values of
the wrong type, half expressions and broken connections.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from n8n.helpers import CATALOG
from state_machines.model import Workflow, validate_workflow
from state_machines.n8n import InvalidN8nDocumentError, convert

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "n8n-workflows"
JUNK: list[Any] = [
    None,
    1,
    -1,
    2.5,
    "x",
    "={{ $json.a }}",
    "={{",
    "}}",
    [],
    {},
    [1, "a"],
    {"a": None},
    True,
    {"__rl": True},
    [[{"node": 3}]],
    {"main": 5},
    float("inf"),
]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _damaged(document: dict[str, Any], generator: random.Random) -> dict[str, Any]:
    damaged = copy.deepcopy(document)
    paths = list(_paths(damaged))[1:]
    for _ in range(generator.randint(1, 4)):
        path = generator.choice(paths)
        container: Any = damaged
        try:
            for key in path[:-1]:
                container = container[key]
            container[path[-1]] = copy.deepcopy(generator.choice(JUNK))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this path
    return damaged


def test_damaged_exports_are_refused_or_converted_into_valid_workflows() -> None:
    files = sorted(CORPUS.glob("*.json"))
    if not files:
        pytest.fail(
            f"The n8n corpus was not found at {CORPUS}: the 'shared' folder must sit next to the repository."
        )
    generator = random.Random(20261122)
    outcomes = {"refused": 0, "converted": 0}
    for _ in range(400):
        document = _damaged(json.loads(generator.choice(files).read_text(encoding="utf-8")), generator)
        try:
            result = convert(document, catalog=CATALOG)
        except InvalidN8nDocumentError:
            outcomes["refused"] += 1
            continue
        assert validate_workflow(Workflow.model_validate(result.workflow), CATALOG) == []
        outcomes["converted"] += 1
    assert outcomes["refused"] > 0 and outcomes["converted"] > 0, outcomes
