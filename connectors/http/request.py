"""HTTP: send any request (http.request, v1) with auth, bodies of every kind and pagination."""

from __future__ import annotations

import base64
from typing import Annotated, Any, Literal

from pydantic import Field

from connectors.http.connector import HTTP, AuthMode, auth_for, check_url, dig
from connectors.sdk import ActionContext, ActionInput, ActionOutput, InvalidInputError
from connectors.sdk.http_common import RAISE_FOR_STATUS

__all__ = ["FilePart", "HttpResponse", "Pagination", "RequestInput", "request", "send"]

Scalar = str | int | float | bool


class FilePart(ActionInput):
    field: Annotated[str, Field(min_length=1, description="Form field name")]
    filename: str
    content: Annotated[str, Field(description="File content: text, or base64 when content_base64 is set")]
    content_base64: bool = False
    content_type: str = "application/octet-stream"


class Pagination(ActionInput):
    style: Annotated[
        Literal["link_header", "cursor", "page"],
        Field(description="Link: rel=next header; a cursor from the body; or an incrementing page number"),
    ]
    items_path: Annotated[
        str | None, Field(description="Dotted path of the items in each page, e.g. data")
    ] = None
    cursor_path: Annotated[str | None, Field(description="cursor style: dotted path of the next cursor")] = (
        None
    )
    cursor_param: Annotated[str, Field(description="Query parameter that carries the cursor or page")] = (
        "cursor"
    )
    first_page: int = 1
    max_pages: Annotated[int, Field(ge=1, le=100)] = 5


class RequestInput(ActionInput):
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] = "GET"
    url: Annotated[str, Field(min_length=8, description="Absolute http(s) URL")]
    query: dict[str, Scalar | list[Scalar]] = {}
    headers: dict[str, str] = {}
    body_type: Literal["json", "form", "multipart", "text"] = "json"
    body: Annotated[Any, Field(description="JSON value, form fields (object) or text")] = None
    files: Annotated[list[FilePart], Field(description="multipart: files to attach")] = []
    auth: Annotated[AuthMode, Field(description="Taken from the node's credential")] = "none"
    pagination: Pagination | None = None
    response_format: Literal["auto", "json", "text"] = "auto"
    fail_on_status: Annotated[bool, Field(description="Raise on 4xx/5xx instead of returning the status")] = (
        True
    )
    idempotency_header: Annotated[
        str | None, Field(description="Send the node's idempotency key in this header, e.g. Idempotency-Key")
    ] = None


class HttpResponse(ActionOutput):
    status: int
    headers: dict[str, str]
    body: Any = None
    pages: int = 1


def _decode(response: Any, response_format: str) -> Any:
    if response_format == "text":
        return response.text
    content_type = response.headers.get("content-type", "")
    if response_format == "json" or "json" in content_type:
        return response.json() if response.content else None
    return response.text


def send(params: RequestInput, ctx: ActionContext) -> HttpResponse:
    """Send ``params`` (following pagination when asked) and shape the answer."""
    check_url(params.url)
    headers, auth_query, basic = auth_for(params.auth, ctx)
    headers = {**params.headers, **headers}
    if params.idempotency_header:
        headers[params.idempotency_header] = ctx.idempotency_key
    query: dict[str, Any] = {**params.query, **auth_query}
    content: dict[str, Any] = {}
    if params.body is not None or params.files:
        if params.body_type == "json":
            content["json"] = params.body
        elif params.body_type == "text":
            content["content"] = str(params.body).encode()
        else:
            if params.body is not None and not isinstance(params.body, dict):
                raise InvalidInputError(f"params.body: {params.body_type} bodies must be an object of fields")
            content["data"] = {key: str(value) for key, value in (params.body or {}).items()}
            if params.body_type == "multipart":
                content["files"] = [
                    (
                        part.field,
                        (
                            part.filename,
                            base64.b64decode(part.content) if part.content_base64 else part.content.encode(),
                            part.content_type,
                        ),
                    )
                    for part in params.files
                ]
    extensions = {RAISE_FOR_STATUS: params.fail_on_status}

    def fetch(url: str, page_query: dict[str, Any]) -> Any:
        return ctx.http.request(
            params.method,
            url,
            params=page_query or None,
            headers=headers,
            auth=basic or None,
            extensions=extensions,
            **content,
        )

    response = fetch(params.url, query)
    body = _decode(response, params.response_format)
    pagination = params.pagination
    if pagination is None or response.status_code >= 400:
        return HttpResponse(status=response.status_code, headers=dict(response.headers), body=body)
    items = list(dig(body, pagination.items_path) or [])
    pages = 1
    page_number = pagination.first_page
    while pages < pagination.max_pages:
        if pagination.style == "link_header":
            next_url = response.links.get("next", {}).get("url")
            if not next_url:
                break
            response = fetch(next_url, auth_query)
        elif pagination.style == "cursor":
            cursor = dig(body, pagination.cursor_path)
            if not cursor:
                break
            response = fetch(params.url, {**query, pagination.cursor_param: cursor})
        else:
            page_number += 1
            response = fetch(params.url, {**query, pagination.cursor_param: page_number})
        body = _decode(response, params.response_format)
        page_items = list(dig(body, pagination.items_path) or [])
        if not page_items:
            break
        items.extend(page_items)
        pages += 1
    return HttpResponse(status=response.status_code, headers=dict(response.headers), body=items, pages=pages)


@HTTP.action("request", version=1, side_effect=True)
def request(params: RequestInput, ctx: ActionContext) -> HttpResponse:
    """Send an HTTP request with any method, auth, query, body and pagination."""
    return send(params, ctx)
