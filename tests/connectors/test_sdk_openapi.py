"""Connectors generated from OpenAPI 3 documents, run against a fake of the described API."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fakes.petstore import PETSTORE_OPENAPI, VALID_KEY, FakePetstore

from connectors.catalog import build_catalog
from connectors.sdk import (
    AuthError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    UpstreamUnavailableError,
)
from connectors.sdk.openapi import OpenApiError, connector_from_openapi
from connectors.sdk.testing import ConnectorTester

connector = connector_from_openapi(PETSTORE_OPENAPI, connector_id="petstore")


@pytest.fixture
def petstore() -> Iterator[FakePetstore]:
    with FakePetstore() as server:
        yield server


@pytest.fixture
def tester(petstore: FakePetstore) -> ConnectorTester:
    return ConnectorTester(connector, credential={"api_key": VALID_KEY}, base_url=f"{petstore.url}/v1")


def test_every_operation_is_an_action_with_schemas_auth_and_base_url() -> None:
    assert [a.id for a in connector.actions] == [
        "petstore.create_pet",
        "petstore.delete_pet",
        "petstore.get_pet",
        "petstore.list_pets",
    ]
    assert connector.auth.type == "api_key"
    assert connector.base_url == "https://petstore.example.com/v1"
    entry = build_catalog([connector]).get_action("petstore.list_pets", 1)
    assert entry is not None and not entry.side_effect
    assert set(entry.input_schema["properties"]) == {"limit", "status", "X-Request-Id"}
    assert entry.input_schema["additionalProperties"] is False
    create = build_catalog([connector]).get_action("petstore.create_pet", 1)
    assert create is not None and create.side_effect
    assert create.input_schema["required"] == ["body"]
    assert "displayName" in json.dumps(create.output_schema)
    get = build_catalog([connector]).get_action("petstore.get_pet", 1)
    assert get is not None and get.input_schema["required"] == ["petId"]


def test_generated_actions_call_the_api(petstore: FakePetstore, tester: ConnectorTester) -> None:
    created = tester.run("create_pet", {"body": {"name": "Rex", "status": "available"}})
    assert created["id"] == 1 and created["name"] == "Rex"
    assert created["owner"] == {"displayName": "shop"}  # output keeps the API's names, as its schema
    assert petstore.requests[-1].headers["x-api-key"] == VALID_KEY
    assert petstore.requests[-1].json() == {"name": "Rex", "status": "available"}
    assert tester.run("get_pet", {"petId": 1})["name"] == "Rex"
    listed = tester.run("list_pets", {"status": "available", "X-Request-Id": "r-1"})
    assert [p["name"] for p in listed["result"]] == ["Rex"]
    assert petstore.requests[-1].query == {"status": ["available"], "limit": ["20"]}
    assert petstore.requests[-1].headers["x-request-id"] == "r-1"
    assert tester.run("delete_pet", {"petId": 1}) == {}
    assert petstore.pets == {}


def test_errors_of_the_described_api(petstore: FakePetstore, tester: ConnectorTester) -> None:
    with pytest.raises(NotFoundError, match="pet 9 not found"):
        tester.run("get_pet", {"petId": 9})
    wrong = ConnectorTester(
        connector, credential={"api_key": "pk_wrong_key_123"}, base_url=f"{petstore.url}/v1"
    )
    with pytest.raises(AuthError, match="invalid api key") as caught:
        wrong.run("list_pets", {})
    assert "pk_wrong_key_123" not in str(caught.value)
    petstore.fail_next(429, {"code": 429, "message": "slow down"}, headers={"Retry-After": "2"})
    assert tester.run("list_pets", {}) == {"result": []}
    assert tester.sleeps == [2.0]
    petstore.fail_next(429, {"code": 429, "message": "slow down"}, headers={"Retry-After": "120"})
    with pytest.raises(RateLimitedError):
        tester.run("list_pets", {})
    petstore.fail_next(503, {"code": 503, "message": "maintenance"}, times=3)
    with pytest.raises(UpstreamUnavailableError, match="maintenance"):
        tester.run("get_pet", {"petId": 1})


def test_invalid_input_follows_the_document(petstore: FakePetstore, tester: ConnectorTester) -> None:
    with pytest.raises(InvalidInputError, match=r"params\.petId"):
        tester.run("get_pet", {})
    with pytest.raises(InvalidInputError, match=r"params\.body\.status"):
        tester.run("create_pet", {"body": {"name": "Rex", "status": "lost"}})
    with pytest.raises(InvalidInputError, match=r"params\.colour"):
        tester.run("list_pets", {"colour": "red"})
    assert petstore.requests == []


def test_documents_that_cannot_be_read() -> None:
    with pytest.raises(OpenApiError, match=r"OpenAPI 3"):
        connector_from_openapi({"swagger": "2.0", "paths": {}}, connector_id="old")
    with pytest.raises(OpenApiError, match="no operations"):
        connector_from_openapi(
            {"openapi": "3.1.0", "info": {"title": "x"}, "paths": {}}, connector_id="empty"
        )
