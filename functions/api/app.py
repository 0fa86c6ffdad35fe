"""The resolver: routes, OpenAPI (``/openapi.json``, Swagger UI at ``/docs``) and the one error envelope.

Every error leaves as ``{"error": {"code", "message", "details"}}`` with its status, from the
handlers below; an unexpected exception is logged with its traceback and answered with a 500 that
names only the request id.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError as RouteNotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import BotoCoreError, ClientError

from functions.api.context import authenticated, forget
from functions.api.errors import ApiError
from functions.api.routes import (
    approvals,
    connectors,
    control,
    credentials,
    identity,
    imports,
    publishing,
    runs,
    schemas,
    templates,
    usage,
    webhooks,
    workflows,
)
from functions.shared.exceptions import (
    InvalidCursorError,
    ItemExistsError,
    ItemNotFoundError,
    RunRefusedError,
    StoreError,
    VersionConflictError,
)

__all__ = ["OPENAPI", "PUBLIC_PATHS", "PUBLIC_PREFIXES", "app", "logger", "resolve"]

logger = Logger(service="wfaib-api")

OPENAPI: dict[str, Any] = {
    "title": "WFAIB control plane",
    "version": "1",
    "description": "Workflows, versions, publishing and runs. Authenticate with a bearer token or an API key.",
    # Plain OpenAPI objects, which Powertools validates into its models when it builds the document:
    # importing those models costs a fifth of a second of every cold start, for two routes.
    "security_schemes": {
        "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
        "apiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
    },
    "security": [{"bearer": []}, {"apiKey": []}],
}

PUBLIC_PATHS = frozenset({"/openapi.json", "/docs", "/health"})
# Approval links carry their own credential (a signed, single-use link token).
PUBLIC_PREFIXES = ("/approvals/links/",)

app = APIGatewayRestResolver(enable_validation=True)
app.include_router(workflows.router)
app.include_router(publishing.router)
app.include_router(webhooks.router)
app.include_router(runs.router)
app.include_router(connectors.router)
app.include_router(credentials.router)
app.include_router(identity.router)
app.include_router(schemas.router)
app.include_router(control.router)
app.include_router(templates.router)
app.include_router(approvals.router)
app.include_router(imports.router)
app.include_router(usage.router)


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> Response[str]:
    """The one error envelope."""
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return Response(status_code=status, content_type="application/json", body=json.dumps(body, default=str))


@app.get("/openapi.json", include_in_schema=False)
def openapi_document() -> Response[str]:
    # Relative to the stage, as the Swagger UI at /docs sees it (``/api`` locally, ``/<stage>`` in AWS).
    stage = app.current_event.request_context.stage
    base = f"/{stage}" if stage and stage != "$default" else "/"
    from aws_lambda_powertools.event_handler.openapi.models import Server

    document = app.get_openapi_json_schema(**OPENAPI, servers=[Server(url=base)])
    return Response(status_code=200, content_type="application/json", body=document)


@app.get("/health", include_in_schema=False)
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.exception_handler(ApiError)  # type: ignore[untyped-decorator]
def _api_error(exc: ApiError) -> Response[str]:
    return error_response(exc.status, exc.code, exc.message, exc.details)


@app.exception_handler(ItemNotFoundError)  # type: ignore[untyped-decorator]
def _item_not_found(exc: ItemNotFoundError) -> Response[str]:
    return error_response(404, "not_found", str(exc), {"kind": exc.kind, "id": exc.item_id})


@app.exception_handler(ItemExistsError)  # type: ignore[untyped-decorator]
def _item_exists(exc: ItemExistsError) -> Response[str]:
    return error_response(409, "already_exists", str(exc), {"kind": exc.kind, "id": exc.item_id})


@app.exception_handler(RunRefusedError)  # type: ignore[untyped-decorator]
def _run_refused(exc: RunRefusedError) -> Response[str]:
    response = error_response(exc.status, exc.code, str(exc), exc.details)
    if exc.retry_after is not None:
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


@app.exception_handler(VersionConflictError)  # type: ignore[untyped-decorator]
def _version_conflict(exc: VersionConflictError) -> Response[str]:
    return error_response(409, "version_conflict", str(exc), exc.current)


@app.exception_handler(InvalidCursorError)  # type: ignore[untyped-decorator]
def _invalid_cursor(exc: InvalidCursorError) -> Response[str]:
    return error_response(400, "invalid_cursor", str(exc))


@app.exception_handler(StoreError)  # type: ignore[untyped-decorator]
def _store_error(exc: StoreError) -> Response[str]:
    logger.exception("Store failure")
    return error_response(503, "store_unavailable", "The data store could not be reached; try again.")


@app.exception_handler(RequestValidationError)  # type: ignore[untyped-decorator]
def _invalid_request(exc: RequestValidationError) -> Response[str]:
    errors = [
        {"loc": list(error.get("loc", ())), "message": error.get("msg", ""), "type": error.get("type", "")}
        for error in exc.errors()
    ]
    return error_response(422, "invalid_request", "The request does not match the API.", {"errors": errors})


@app.exception_handler(json.JSONDecodeError)  # type: ignore[untyped-decorator]
def _invalid_json(exc: json.JSONDecodeError) -> Response[str]:
    return error_response(400, "invalid_json", f"The body is not JSON: {exc.msg} at position {exc.pos}.")


@app.exception_handler(RecursionError)  # type: ignore[untyped-decorator]
def _too_deep(exc: RecursionError) -> Response[str]:
    return error_response(400, "invalid_json", "The body is nested too deeply.")


@app.exception_handler(UnicodeDecodeError)  # type: ignore[untyped-decorator]
def _not_text(exc: UnicodeDecodeError) -> Response[str]:
    return error_response(400, "invalid_json", "The body is not UTF-8 JSON.")


@app.exception_handler(ClientError)  # type: ignore[untyped-decorator]
def _aws_error(exc: ClientError) -> Response[str]:
    code = str(exc.response.get("Error", {}).get("Code", "Unknown"))
    logger.warning("AWS call failed", extra={"aws_error": code})
    return error_response(
        502, "upstream_error", f"An AWS service refused the call ({code}).", {"aws_error": code}
    )


@app.exception_handler(BotoCoreError)  # type: ignore[untyped-decorator]
def _aws_unreachable(exc: BotoCoreError) -> Response[str]:
    logger.exception("AWS unreachable")
    return error_response(503, "upstream_unavailable", "An AWS service could not be reached; try again.")


@app.not_found
def _route_not_found(exc: RouteNotFoundError) -> Response[str]:
    return error_response(
        404, "route_not_found", f"No route {app.current_event.http_method} {app.current_event.path}."
    )


@app.exception_handler(Exception)  # type: ignore[untyped-decorator]
def _unexpected(exc: Exception) -> Response[str]:
    logger.exception("Unhandled error")
    request_id = app.current_event.request_context.request_id
    return error_response(
        500, "internal_error", "Something went wrong on our side.", {"request_id": request_id}
    )


def resolve(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Authenticate (except on the public paths), then route.

    Authentication runs before Powertools' request validation, so a caller without credentials
    learns nothing about the request shape: every route answers 401 first.
    """
    if event.get("path") in PUBLIC_PATHS or str(event.get("path") or "").startswith(PUBLIC_PREFIXES):
        if event.get("path") == "/docs":
            _enable_swagger()
        return app.resolve(event, context)
    try:
        token = authenticated(event.get("headers"))
    except ApiError as exc:
        return _proxy(error_response(exc.status, exc.code, exc.message, exc.details))
    except StoreError:
        logger.exception("Store failure while authenticating")
        return _proxy(
            error_response(503, "store_unavailable", "The data store could not be reached; try again.")
        )
    try:
        return app.resolve(event, context)
    finally:
        forget(token)


@cache
def _enable_swagger() -> None:
    """Add the Swagger UI route on its first request: enabling it imports Powertools' OpenAPI models,
    which would otherwise cost every cold start about a fifth of a second for a page few open."""
    app.enable_swagger(path="/docs", **OPENAPI)


def _proxy(response: Response[str]) -> dict[str, Any]:
    """An API Gateway proxy result for an answer given before routing."""
    return {
        "statusCode": response.status_code,
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {},
        "body": response.body,
        "isBase64Encoded": False,
    }
