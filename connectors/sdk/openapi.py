"""A working connector from an OpenAPI 3 document: every operation a declarative HTTP action.

Operations become actions named after their ``operationId`` (snake_case); path, query and header
parameters and the JSON request body become the input model (parameters keep their API names as
aliases, so ``petId`` stays ``petId`` in a workflow); the first 2xx JSON response becomes the
output model (a bare list or scalar is wrapped as ``{"result": ...}``); the first security scheme
becomes the connector's auth; ``servers[0].url`` its base URL. Schemas map shallowly: scalars,
enums, arrays and objects with properties become typed fields, deeper or composed schemas
(``oneOf``/``anyOf``/``allOf``) become ``Any`` — loose rather than wrong.

Generated actions are version 1. When the provider's document changes a published operation,
the catalog refuses the change; generate the new document into a new connector id (or bump the
affected actions by hand).

Example:
    >>> connector = connector_from_openapi(document, connector_id="petstore")  # doctest: +SKIP
    >>> [a.id for a in connector.actions]  # doctest: +SKIP
    ['petstore.create_pet', 'petstore.delete_pet', 'petstore.get_pet', 'petstore.list_pets']
"""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from connectors.sdk.auth import ApiKeyAuth, AuthSpec, BasicAuth, BearerAuth, NoAuth, OAuth2Auth
from connectors.sdk.connector import ActionInput, ActionOutput, Connector, HttpRequest

__all__ = ["OpenApiError", "connector_from_openapi", "load_openapi_connector"]

_METHODS = ("get", "post", "put", "patch", "delete")
_MAX_DEPTH = 3


class OpenApiError(ValueError):
    """The document is not an OpenAPI 3 document this generator can read."""


def _snake(text: str) -> str:
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    text = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()
    if not text or text[0].isdigit():
        text = f"op_{text}"
    return f"{text}_" if keyword.iskeyword(text) else text


def _camel(text: str) -> str:
    return "".join(part.capitalize() for part in _snake(text).split("_"))


class _Schemas:
    """Turns JSON Schemas of one document into pydantic types, resolving local ``$ref``."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document

    def resolve(self, node: Any) -> Any:
        seen: set[str] = set()
        while isinstance(node, Mapping) and "$ref" in node:
            ref = str(node["$ref"])
            if not ref.startswith("#/") or ref in seen:
                raise OpenApiError(f"unsupported or circular $ref {ref!r}")
            seen.add(ref)
            target: Any = self.document
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def type_for(self, schema: Any, name: str, *, base: type[BaseModel], depth: int = 0) -> Any:
        schema = self.resolve(schema or {})
        nullable = bool(schema.get("nullable"))
        kind = schema.get("type")
        python: Any
        if "enum" in schema and all(isinstance(v, str | int | bool) for v in schema["enum"]):
            python = Literal[tuple(schema["enum"])]
        elif kind == "string":
            python = str
        elif kind == "integer":
            python = int
        elif kind == "number":
            python = float
        elif kind == "boolean":
            python = bool
        elif kind == "array":
            python = list[self.type_for(schema.get("items"), f"{name}Item", base=base, depth=depth + 1)]  # type: ignore[misc]
        elif (kind == "object" or "properties" in schema) and schema.get("properties") and depth < _MAX_DEPTH:
            python = self.model_for(schema, name, base=base, depth=depth + 1)
        elif kind == "object":
            python = dict[str, Any]
        else:
            python = Any
        return python | None if nullable and python is not Any else python

    def model_for(
        self, schema: Mapping[str, Any], name: str, *, base: type[BaseModel], depth: int = 0
    ) -> type[BaseModel]:
        required = set(schema.get("required", []))
        fields: dict[str, Any] = {}
        for prop, prop_schema in (schema.get("properties") or {}).items():
            fields[_snake(prop)] = self.field(
                prop, prop_schema, prop in required, f"{name}{_camel(prop)}", base, depth
            )
        config = None
        if schema.get("additionalProperties") not in (None, False) and base is ActionInput:
            config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)
        model: type[BaseModel] = create_model(  # type: ignore[call-overload]
            name, __base__=base if config is None else None, __config__=config, **fields
        )
        return model

    def field(
        self, api_name: str, schema: Any, required: bool, type_name: str, base: type[BaseModel], depth: int
    ) -> tuple[Any, Any]:
        resolved = self.resolve(schema or {})
        python = self.type_for(resolved, type_name, base=base, depth=depth)
        options: dict[str, Any] = {"alias": api_name} if _snake(api_name) != api_name else {}
        if resolved.get("description"):
            options["description"] = str(resolved["description"])
        if required:
            return python, Field(**options)
        default = resolved.get("default")
        return python | None if python is not Any else python, Field(default, **options)


class _InputBase(ActionInput):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)


class _OutputBase(ActionOutput):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, defer_build=True)


def _empty_output(name: str) -> type[BaseModel]:
    model: type[BaseModel] = create_model(name, __base__=_OutputBase)
    return model


def _result_output(name: str, result_type: Any) -> type[BaseModel]:
    model: type[BaseModel] = create_model(name, __base__=_OutputBase, result=(result_type, None))
    return model


def _auth(document: Mapping[str, Any], schemas: _Schemas) -> AuthSpec:
    security = (document.get("components") or {}).get("securitySchemes") or {}
    wanted = [name for requirement in document.get("security") or [] for name in requirement]
    ordered = [*wanted, *security]
    for scheme_name in ordered:
        if scheme_name not in security:
            continue
        scheme = schemas.resolve(security[scheme_name])
        kind = scheme.get("type")
        if kind == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
            return BearerAuth()
        if kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
            return BasicAuth()
        if kind == "apiKey" and scheme.get("in") == "header":
            return ApiKeyAuth(header=str(scheme["name"]))
        if kind == "apiKey" and scheme.get("in") == "query":
            return ApiKeyAuth(header=None, query_param=str(scheme["name"]))
        if kind == "oauth2":
            flows = scheme.get("flows") or {}
            flow = flows.get("authorizationCode") or flows.get("clientCredentials") or {}
            if flow.get("tokenUrl"):
                return OAuth2Auth(
                    token_url=str(flow["tokenUrl"]),
                    authorize_url=flow.get("authorizationUrl"),
                    scopes=sorted(flow.get("scopes") or {}),
                )
    return NoAuth()


def _add_operation(
    connector: Connector,
    schemas: _Schemas,
    path: str,
    method: str,
    operation: Mapping[str, Any],
    shared: list[Any],
) -> None:
    name = _snake(str(operation.get("operationId") or f"{method}_{path}"))
    title = _camel(name)
    fields: dict[str, Any] = {}
    query: list[str] = []
    headers: dict[str, str] = {}
    parameters = {
        (p["in"], p["name"]): p
        for p in (schemas.resolve(raw) for raw in [*shared, *operation.get("parameters", [])])
    }
    for (location, api_name), parameter in parameters.items():
        if location not in {"path", "query", "header"}:
            continue
        required = bool(parameter.get("required")) or location == "path"
        schema = {
            **schemas.resolve(parameter.get("schema") or {}),
            "description": parameter.get("description"),
        }
        fields[_snake(api_name)] = schemas.field(
            api_name, schema, required, f"{title}{_camel(api_name)}", _InputBase, 0
        )
        if location == "query":
            query.append(api_name)
        elif location == "header":
            headers[api_name] = api_name
    body_field = None
    body = schemas.resolve(operation.get("requestBody") or {})
    body_schema = ((body.get("content") or {}).get("application/json") or {}).get("schema")
    if body_schema is not None:
        body_field = "body"
        fields["body"] = schemas.field(
            "body", body_schema, bool(body.get("required")), f"{title}Body", _InputBase, 0
        )
    input_model = create_model(f"{title}Input", __base__=_InputBase, **fields)  # type: ignore[call-overload]

    wrap = None
    output_model: type[BaseModel] = _empty_output(f"{title}Output")
    responses = operation.get("responses") or {}
    for status in sorted(code for code in responses if str(code).startswith("2")):
        content = (schemas.resolve(responses[status]).get("content") or {}).get("application/json")
        if not content or "schema" not in content:
            continue
        response_schema = schemas.resolve(content["schema"])
        if response_schema.get("properties"):
            output_model = schemas.model_for(response_schema, f"{title}Output", base=_OutputBase)
        else:
            wrap = "result"
            result_type = schemas.type_for(response_schema, f"{title}Result", base=_OutputBase)
            output_model = _result_output(f"{title}Output", result_type)
        break
    connector.http_action(
        name,
        version=1,
        request=HttpRequest(
            method.upper(),
            path,
            query=tuple(query),
            headers=headers,
            body_field=body_field,
            wrap_response=wrap,
        ),
        input=input_model,
        output=output_model,
        title=str(operation.get("summary") or name.replace("_", " ").capitalize()),
        description=str(operation.get("description") or operation.get("summary") or ""),
        deprecated=bool(operation.get("deprecated")),
    )


def connector_from_openapi(
    document: Mapping[str, Any],
    *,
    connector_id: str,
    name: str | None = None,
    version: str | None = None,
    base_url: str | None = None,
) -> Connector:
    """Build a connector with one declarative action per operation of ``document``.

    Example:
        >>> doc = {"openapi": "3.0.3", "info": {"title": "Tiny", "version": "1"}, "paths": {
        ...     "/ping": {"get": {"operationId": "ping", "responses": {"200": {"description": "ok"}}}}}}
        >>> [a.id for a in connector_from_openapi(doc, connector_id="tiny").actions]
        ['tiny.ping']
    """
    if not str(document.get("openapi", "")).startswith("3."):
        raise OpenApiError("only OpenAPI 3.x documents are supported (the 'openapi' field)")
    schemas = _Schemas(document)
    info = document.get("info") or {}
    servers = document.get("servers") or [{}]
    connector = Connector(
        connector_id,
        name or str(info.get("title") or connector_id),
        version=version or str(info.get("version") or "1.0.0"),
        description=str(info.get("description") or info.get("title") or "").split("\n\n")[0],
        auth=_auth(document, schemas),
        base_url=base_url or servers[0].get("url"),
    )
    for path, raw_item in sorted((document.get("paths") or {}).items()):
        item = schemas.resolve(raw_item)
        for method in _METHODS:
            if method in item:
                _add_operation(
                    connector, schemas, path, method, item[method], list(item.get("parameters", []))
                )
    if not connector.actions:
        raise OpenApiError("the document has no operations")
    return connector


def load_openapi_connector(path: Path, *, connector_id: str, **options: Any) -> Connector:
    """:func:`connector_from_openapi` of a JSON (or YAML) file; what generated packages call.

    Example:
        >>> connector = load_openapi_connector(Path(__file__).with_name("openapi.json"),  # doctest: +SKIP
        ...                                    connector_id="petstore")
    """
    text = path.read_text()
    if path.suffix in {".yaml", ".yml"}:
        import yaml

        document = yaml.safe_load(text)
    else:
        document = json.loads(text)
    return connector_from_openapi(document, connector_id=connector_id, **options)
