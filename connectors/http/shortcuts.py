"""HTTP shortcuts: http.get_json, http.post_json and http.graphql (v1)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from connectors.http.connector import HTTP, AuthMode
from connectors.http.request import RequestInput, send
from connectors.sdk import ActionContext, ActionInput, ActionOutput, InvalidInputError

__all__ = ["GetJsonInput", "GraphqlInput", "GraphqlOutput", "JsonOutput", "PostJsonInput"]


class GetJsonInput(ActionInput):
    url: Annotated[str, Field(min_length=8, description="Absolute http(s) URL")]
    query: dict[str, str | int | float | bool] = {}
    headers: dict[str, str] = {}
    auth: AuthMode = "none"


class PostJsonInput(GetJsonInput):
    body: Any = None
    idempotency_header: Annotated[str | None, Field(description="e.g. Idempotency-Key")] = None


class JsonOutput(ActionOutput):
    status: int
    body: Any = None


@HTTP.action("get_json", version=1)
def get_json(params: GetJsonInput, ctx: ActionContext) -> JsonOutput:
    """GET a URL and return its JSON body."""
    answer = send(RequestInput(method="GET", response_format="json", **params.model_dump()), ctx)
    return JsonOutput(status=answer.status, body=answer.body)


@HTTP.action("post_json", version=1, side_effect=True)
def post_json(params: PostJsonInput, ctx: ActionContext) -> JsonOutput:
    """POST a JSON body and return the JSON answer."""
    answer = send(
        RequestInput(method="POST", response_format="json", body_type="json", **params.model_dump()), ctx
    )
    return JsonOutput(status=answer.status, body=answer.body)


class GraphqlInput(ActionInput):
    url: Annotated[str, Field(min_length=8, description="The GraphQL endpoint")]
    query: Annotated[str, Field(min_length=1, description="Query or mutation document")]
    variables: dict[str, Any] = {}
    operation_name: str | None = None
    headers: dict[str, str] = {}
    auth: AuthMode = "none"


class GraphqlOutput(ActionOutput):
    data: Any = None
    errors: list[dict[str, Any]] = []


@HTTP.action("graphql", version=1, side_effect=True)
def graphql(params: GraphqlInput, ctx: ActionContext) -> GraphqlOutput:
    """Run a GraphQL query or mutation; a response with errors and no data is an invalid-input error."""
    document: dict[str, Any] = {"query": params.query, "variables": params.variables}
    if params.operation_name:
        document["operationName"] = params.operation_name
    answer = send(
        RequestInput(
            method="POST",
            url=params.url,
            headers=params.headers,
            auth=params.auth,
            body=document,
            response_format="json",
        ),
        ctx,
    )
    body = answer.body if isinstance(answer.body, dict) else {}
    errors = list(body.get("errors") or [])
    if errors and body.get("data") is None:
        raise InvalidInputError("GraphQL: " + "; ".join(str(e.get("message", e)) for e in errors))
    return GraphqlOutput(data=body.get("data"), errors=errors)
