"""A fake API described by an OpenAPI 3 document (a pet store), for the OpenAPI connector generator."""

from __future__ import annotations

import itertools
from typing import Any

from werkzeug.wrappers import Request, Response

from fakes.server import FakeServer, json_response

__all__ = ["PETSTORE_OPENAPI", "VALID_KEY", "FakePetstore"]

VALID_KEY = "pk_fake_petstore_0123456789"

PETSTORE_OPENAPI: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Petstore", "version": "1.0.0", "description": "Pets.\n\nMore."},
    "servers": [{"url": "https://petstore.example.com/v1"}],
    "security": [{"apiKey": []}],
    "components": {
        "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}},
        "parameters": {
            "PetId": {
                "name": "petId",
                "in": "path",
                "required": True,
                "schema": {"type": "integer", "minimum": 1},
            }
        },
        "schemas": {
            "NewPet": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "description": "The pet's name"},
                    "tag": {"type": "string"},
                    "status": {"type": "string", "enum": ["available", "sold"]},
                },
            },
            "Pet": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "tag": {"type": "string", "nullable": True},
                    "status": {"type": "string"},
                    "owner": {"type": "object", "properties": {"displayName": {"type": "string"}}},
                },
            },
            "Error": {
                "type": "object",
                "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
            },
        },
    },
    "paths": {
        "/pets": {
            "get": {
                "operationId": "listPets",
                "summary": "List pets",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 20}},
                    {
                        "name": "status",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["available", "sold"]},
                    },
                    {"name": "X-Request-Id", "in": "header", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {
                        "description": "pets",
                        "content": {
                            "application/json": {
                                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}
                            }
                        },
                    }
                },
            },
            "post": {
                "operationId": "createPet",
                "summary": "Create a pet",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}},
                },
                "responses": {
                    "201": {
                        "description": "created",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
                    }
                },
            },
        },
        "/pets/{petId}": {
            "parameters": [{"$ref": "#/components/parameters/PetId"}],
            "get": {
                "operationId": "getPet",
                "responses": {
                    "200": {
                        "description": "a pet",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
                    },
                    "404": {
                        "description": "missing",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                },
            },
            "delete": {"operationId": "deletePet", "responses": {"204": {"description": "deleted"}}},
        },
    },
}


class FakePetstore(FakeServer):
    """The API the document above describes, served under ``/v1``."""

    def __init__(self) -> None:
        super().__init__()
        self.pets: dict[int, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self.route("GET", "/v1/pets")(self._list)
        self.route("POST", "/v1/pets")(self._create)
        self.route("GET", "/v1/pets/<int:pet_id>")(self._get)
        self.route("DELETE", "/v1/pets/<int:pet_id>")(self._delete)

    def _denied(self, request: Request) -> Response | None:
        if request.headers.get("X-API-Key") != VALID_KEY:
            return json_response({"code": 401, "message": "invalid api key"}, 401)
        return None

    def _list(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        pets = [p for p in self.pets.values() if request.args.get("status") in (None, p.get("status"))]
        return json_response(pets[: int(request.args.get("limit", 20))])

    def _create(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        body = request.get_json(silent=True) or {}
        if not body.get("name"):
            return json_response({"code": 422, "message": "name is required"}, 422)
        pet = {"id": next(self._ids), "owner": {"displayName": "shop"}, **body}
        self.pets[pet["id"]] = pet
        return json_response(pet, 201)

    def _get(self, request: Request, pet_id: int) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        if pet_id not in self.pets:
            return json_response({"code": 404, "message": f"pet {pet_id} not found"}, 404)
        return json_response(self.pets[pet_id])

    def _delete(self, request: Request, pet_id: int) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        self.pets.pop(pet_id, None)
        return Response(status=204)
