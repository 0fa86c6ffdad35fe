"""``wfaib connector new NAME``: a working connector package and its test, ready to edit.

The scaffold is one coded action (``create_item``, side-effecting, idempotency key passed on), one
declarative action (``get_item``) and a test against a local fake covering success, auth failure,
rate limit, server error and invalid input — the shape every connector in the repo follows.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

__all__ = ["ScaffoldError", "scaffold_connector", "scaffold_openapi_connector"]

_NAME = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
_RESERVED = frozenset({"sdk", "catalog", "test", "tests"})


class ScaffoldError(ValueError):
    """The name is invalid or the files already exist."""


_CONNECTOR = '''"""{title}: the connector declaration."""

from __future__ import annotations

from connectors.sdk import BearerAuth, Connector

__all__ = ["{const}"]

{const} = Connector(
    "{name}",
    "{title}",
    version="0.1.0",
    description="TODO: one sentence about {title}.",
    auth=BearerAuth(),
    base_url="https://api.{name}.example.com/v1",
    idempotency_header="Idempotency-Key",
)
'''

_CREATE = '''"""{title}: create an item ({name}.create_item, v1)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from connectors.sdk import ActionContext, ActionInput, ActionOutput
from connectors.{name}.connector import {const}

__all__ = ["CreateItemInput", "Item", "create_item"]


class CreateItemInput(ActionInput):
    name: Annotated[str, Field(min_length=1, max_length=200, description="The item's name")]
    quantity: Annotated[int, Field(ge=1)] = 1


class Item(ActionOutput):
    id: str
    name: str
    quantity: int


@{const}.action("create_item", version=1, side_effect=True)
def create_item(params: CreateItemInput, ctx: ActionContext) -> Item:
    """Create an item (the idempotency key goes in the Idempotency-Key header)."""
    return Item.model_validate(ctx.http.post("/items", json=params.model_dump()).json())
'''

_GET = '''"""{title}: get an item by id ({name}.get_item, v1) — a declarative action."""

from __future__ import annotations

from connectors.sdk import ActionInput, HttpRequest
from connectors.{name}.connector import {const}
from connectors.{name}.create_item import Item

__all__ = ["GetItemInput"]


class GetItemInput(ActionInput):
    item_id: str


{const}.http_action(
    "get_item",
    version=1,
    request=HttpRequest("GET", "/items/{{item_id}}"),
    input=GetItemInput,
    output=Item,
    description="Get one item by id.",
)
'''

_INIT = '''"""{title} connector."""

from connectors.{name} import create_item, get_item
from connectors.{name}.connector import {const} as connector

__all__ = ["connector", "create_item", "get_item"]
'''

_TEST = '''"""{title} connector against a local fake of its API."""

from __future__ import annotations

from typing import Any

import pytest
from fakes import FakeServer, json_response
from werkzeug.wrappers import Request, Response

from connectors.sdk import AuthError, InvalidInputError, RateLimitedError, UpstreamUnavailableError
from connectors.sdk.testing import ConnectorTester
from connectors.{name} import connector

TOKEN = "{name}-test-token-123"


class Fake{cls}(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, dict[str, Any]] = {{}}
        self.route("POST", "/items")(self.create)
        self.route("GET", "/items/<item_id>")(self.get)

    def _denied(self, request: Request) -> Response | None:
        if request.headers.get("Authorization") != f"Bearer {{TOKEN}}":
            return json_response({{"error": {{"message": "invalid token"}}}}, 401)
        return None

    def create(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        item = {{"id": f"item_{{len(self.items) + 1}}", **(request.get_json() or {{}})}}
        self.items[item["id"]] = item
        return json_response(item, 201)

    def get(self, request: Request, item_id: str) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        if item_id not in self.items:
            return json_response({{"error": {{"message": "no such item"}}}}, 404)
        return json_response(self.items[item_id])


def test_create_then_get_passes_the_idempotency_key() -> None:
    with Fake{cls}() as fake:
        tester = ConnectorTester(connector, credential={{"token": TOKEN}}, base_url=fake.url)
        created = tester.run("create_item", {{"name": "widget", "quantity": 2}})
        assert created == {{"id": "item_1", "name": "widget", "quantity": 2}}
        assert fake.requests[-1].headers["idempotency-key"] == "exec-test/node-test"
        assert tester.run("get_item", {{"item_id": "item_1"}}) == created


def test_errors_map_to_sdk_errors() -> None:
    with Fake{cls}() as fake:
        wrong = ConnectorTester(connector, credential={{"token": "wrong-token-456"}}, base_url=fake.url)
        with pytest.raises(AuthError) as caught:
            wrong.run("create_item", {{"name": "x"}})
        assert "wrong-token-456" not in str(caught.value)

        tester = ConnectorTester(connector, credential={{"token": TOKEN}}, base_url=fake.url)
        fake.fail_next(429, {{"error": {{"message": "slow down"}}}}, headers={{"Retry-After": "2"}})
        tester.run("create_item", {{"name": "x"}})
        assert tester.sleeps == [2.0]

        fake.fail_next(429, {{"error": {{"message": "slow down"}}}}, headers={{"Retry-After": "90"}})
        with pytest.raises(RateLimitedError):
            tester.run("create_item", {{"name": "x"}})

        fake.fail_next(500, {{"error": {{"message": "oops"}}}}, times=3)
        with pytest.raises(UpstreamUnavailableError):
            tester.run("get_item", {{"item_id": "item_1"}})

        with pytest.raises(InvalidInputError, match=r"params\\.quantity"):
            tester.run("create_item", {{"name": "x", "quantity": 0}})
'''


def scaffold_connector(name: str, root: Path, *, force: bool = False) -> list[Path]:
    """Write ``connectors/<name>/`` and ``tests/connectors/test_connector_<name>.py`` under ``root``.

    Example:
        >>> scaffold_connector("acme", Path("."))  # doctest: +SKIP
        [PosixPath('connectors/acme/__init__.py'), ...]
    """
    if not _NAME.match(name) or name in _RESERVED:
        raise ScaffoldError(
            f"connector name {name!r} must be lower_snake_case (2-41 chars) and not {sorted(_RESERVED)}"
        )
    values = {
        "name": name,
        "title": name.replace("_", " ").title(),
        "const": name.upper(),
        "cls": name.replace("_", " ").title().replace(" ", ""),
    }
    package = root / "connectors" / name
    files = {
        package / "__init__.py": _INIT,
        package / "connector.py": _CONNECTOR,
        package / "create_item.py": _CREATE,
        package / "get_item.py": _GET,
        root / "tests" / "connectors" / f"test_connector_{name}.py": _TEST,
    }
    existing = [path for path in files if path.exists()]
    if existing and not force:
        raise ScaffoldError(f"{existing[0]} already exists (use --force to overwrite)")
    for path, template in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**values))
    return list(files)


_OPENAPI_INIT = '''"""{title} connector, generated from openapi.json by ``wfaib connector from-openapi``."""

from pathlib import Path

from connectors.sdk.openapi import load_openapi_connector

__all__ = ["connector"]

connector = load_openapi_connector(Path(__file__).with_name("openapi.json"), connector_id="{name}")
'''


def scaffold_openapi_connector(spec: Path, name: str, root: Path, *, force: bool = False) -> list[Path]:
    """Write ``connectors/<name>/`` from an OpenAPI 3 document (JSON or YAML): the document and
    an ``__init__`` that builds the connector from it.

    Example:
        >>> scaffold_openapi_connector(Path("petstore.yaml"), "petstore", Path("."))  # doctest: +SKIP
        [PosixPath('connectors/petstore/openapi.json'), PosixPath('connectors/petstore/__init__.py')]
    """
    from connectors.sdk.openapi import OpenApiError, connector_from_openapi

    if not _NAME.match(name) or name in _RESERVED:
        raise ScaffoldError(
            f"connector name {name!r} must be lower_snake_case (2-41 chars) and not {sorted(_RESERVED)}"
        )
    try:
        text = spec.read_text()
    except OSError as exc:
        raise ScaffoldError(f"cannot read {spec}: {exc.strerror}") from None
    try:
        if spec.suffix in {".yaml", ".yml"}:
            import yaml

            document = yaml.safe_load(text)
        else:
            document = json.loads(text)
        connector = connector_from_openapi(document, connector_id=name)
    except (ValueError, OpenApiError) as exc:
        raise ScaffoldError(f"{spec}: {exc}") from None
    package = root / "connectors" / name
    files = {
        package / "openapi.json": json.dumps(document, indent=2, ensure_ascii=False) + "\n",
        package / "__init__.py": _OPENAPI_INIT.format(name=name, title=connector.name),
    }
    existing = [path for path in files if path.exists()]
    if existing and not force:
        raise ScaffoldError(f"{existing[0]} already exists (use --force to overwrite)")
    package.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        path.write_text(text)
    return list(files)
