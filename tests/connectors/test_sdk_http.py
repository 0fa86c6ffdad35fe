"""The HTTP layer: Retry-After parsing, the retrying transport, error mapping, auth flows."""

from __future__ import annotations

import base64

import httpx
import pytest

from connectors.sdk import errors
from connectors.sdk.auth import (
    ApiKeyAuth,
    ApiKeyCredential,
    BasicAuth,
    BasicCredential,
    BearerAuth,
    BearerCredential,
    OAuth2Auth,
    OAuth2Credential,
)
from connectors.sdk.http import RetryingTransport, build_http_auth, error_for_response, parse_retry_after


def test_parse_retry_after_seconds_date_and_garbage() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Thu, 01 Jan 1970 00:01:40 GMT", now=40.0) == 60.0
    assert parse_retry_after("Thu, 01 Jan 1970 00:00:10 GMT", now=40.0) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


class Script:
    """A MockTransport handler answering from a list of responses and recording requests."""

    def __init__(self, *responses: httpx.Response | Exception) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.responses.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def _client(script: Script, sleeps: list[float], **kwargs: float) -> httpx.Client:
    transport = RetryingTransport(httpx.MockTransport(script), sleep=sleeps.append, **kwargs)  # type: ignore[arg-type]
    return httpx.Client(transport=transport, base_url="https://api.test")


def test_429_is_retried_after_retry_after() -> None:
    script = Script(httpx.Response(429, headers={"Retry-After": "4"}), httpx.Response(200, json={"ok": 1}))
    sleeps: list[float] = []
    assert _client(script, sleeps).post("/x", json={}).json() == {"ok": 1}
    assert sleeps == [4.0]
    assert len(script.requests) == 2


def test_5xx_on_post_without_idempotency_key_is_not_replayed() -> None:
    script = Script(httpx.Response(503))
    sleeps: list[float] = []
    assert _client(script, sleeps).post("/charge").status_code == 503
    assert sleeps == []


def test_5xx_on_post_with_idempotency_key_is_replayed_with_backoff() -> None:
    script = Script(httpx.Response(502), httpx.Response(503), httpx.Response(201))
    sleeps: list[float] = []
    response = _client(script, sleeps, backoff=1.0).post("/charge", headers={"Idempotency-Key": "e/n"})
    assert response.status_code == 201
    assert len(sleeps) == 2
    assert 0 <= sleeps[0] <= 1.0
    assert 0 <= sleeps[1] <= 2.0


def test_long_retry_after_is_not_slept_in_the_function() -> None:
    script = Script(httpx.Response(429, headers={"Retry-After": "120"}))
    sleeps: list[float] = []
    assert _client(script, sleeps).get("/x").status_code == 429
    assert sleeps == []


def test_connection_errors_are_retried_then_raised() -> None:
    script = Script(*(httpx.ConnectError("refused") for _ in range(3)))
    sleeps: list[float] = []
    with pytest.raises(httpx.ConnectError):
        _client(script, sleeps).post("/x")
    assert len(script.requests) == 3
    assert len(sleeps) == 2


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, errors.InvalidInputError),
        (401, errors.AuthError),
        (403, errors.AuthError),
        (404, errors.NotFoundError),
        (408, errors.ConnectorTimeoutError),
        (409, errors.ConflictError),
        (418, errors.ConnectorError),
        (422, errors.InvalidInputError),
        (429, errors.RateLimitedError),
        (500, errors.UpstreamUnavailableError),
        (503, errors.UpstreamUnavailableError),
    ],
)
def test_status_maps_to_error_class(status: int, error: type[errors.ConnectorError]) -> None:
    request = httpx.Request("POST", "https://api.test/v1/things?api_key=sk_live_secret")
    found = error_for_response(
        httpx.Response(status, json={"error": {"message": "nope"}}, request=request), service="Test"
    )
    assert type(found) is error
    assert str(found) == f"Test: HTTP {status} for POST /v1/things: nope"
    assert found is not None and found.status_code == status


def test_success_maps_to_no_error() -> None:
    request = httpx.Request("GET", "https://api.test/")
    assert error_for_response(httpx.Response(204, request=request), service="Test") is None


def _auth_headers(auth: httpx.Auth | None) -> httpx.Request:
    assert auth is not None
    flow = auth.sync_auth_flow(httpx.Request("GET", "https://api.test/x"))
    return next(flow)


def test_api_key_basic_and_bearer_auth_headers() -> None:
    refresh = pytest.fail
    header = _auth_headers(
        build_http_auth(
            ApiKeyAuth(header="X-Api-Key", prefix="Key "), ApiKeyCredential(api_key="k1"), on_refresh=refresh
        )
    )
    assert header.headers["X-Api-Key"] == "Key k1"
    query = _auth_headers(
        build_http_auth(ApiKeyAuth(query_param="key"), ApiKeyCredential(api_key="k2"), on_refresh=refresh)
    )
    assert query.url.params["key"] == "k2"
    basic = _auth_headers(
        build_http_auth(BasicAuth(), BasicCredential(username="u", password="p"), on_refresh=refresh)
    )
    assert basic.headers["Authorization"] == "Basic " + base64.b64encode(b"u:p").decode()
    bearer = _auth_headers(
        build_http_auth(BearerAuth(scheme="token"), BearerCredential(token="t"), on_refresh=refresh)
    )
    assert bearer.headers["Authorization"] == "token t"


class FakeOAuthProvider:
    """A token endpoint and an API that accepts only the current access token."""

    def __init__(self, *, refuse_refresh: bool = False) -> None:
        self.current = "access-new-123"
        self.refuse_refresh = refuse_refresh
        self.token_requests: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            form = dict(httpx.QueryParams(request.content.decode()))
            self.token_requests.append(form)
            if self.refuse_refresh:
                return httpx.Response(400, json={"error": "invalid_grant"})
            return httpx.Response(
                200, json={"access_token": self.current, "refresh_token": "refresh-2", "expires_in": 3600}
            )
        if request.headers.get("Authorization") != f"Bearer {self.current}":
            return httpx.Response(401, json={"error": "invalid_token"})
        return httpx.Response(200, json={"ok": True})


def _oauth_client(
    provider: FakeOAuthProvider, credential: OAuth2Credential, saved: list[OAuth2Credential]
) -> httpx.Client:
    transport = httpx.MockTransport(provider)
    spec = OAuth2Auth(token_url="https://auth.test/oauth/token")
    auth = build_http_auth(
        spec, credential, on_refresh=saved.append, transport=transport, clock=lambda: 1000.0
    )
    return httpx.Client(transport=transport, auth=auth, base_url="https://api.test")


def test_oauth2_refreshes_an_expiring_token_before_the_call() -> None:
    provider = FakeOAuthProvider()
    saved: list[OAuth2Credential] = []
    credential = OAuth2Credential(
        access_token="old", refresh_token="refresh-1", expires_at=1030.0, client_id="cid", client_secret="cs"
    )
    assert _oauth_client(provider, credential, saved).get("/me").json() == {"ok": True}
    assert provider.token_requests == [
        {
            "grant_type": "refresh_token",
            "refresh_token": "refresh-1",
            "client_id": "cid",
            "client_secret": "cs",
        }
    ]
    assert saved[0].access_token.get_secret_value() == "access-new-123"
    assert saved[0].refresh_token is not None and saved[0].refresh_token.get_secret_value() == "refresh-2"
    assert saved[0].expires_at == 4600.0


def test_oauth2_refreshes_once_after_a_401() -> None:
    provider = FakeOAuthProvider()
    saved: list[OAuth2Credential] = []
    credential = OAuth2Credential(access_token="revoked", refresh_token="refresh-1", expires_at=None)
    assert _oauth_client(provider, credential, saved).get("/me").status_code == 200
    assert len(provider.token_requests) == 1
    assert len(saved) == 1


def test_oauth2_refused_refresh_is_auth_error() -> None:
    provider = FakeOAuthProvider(refuse_refresh=True)
    credential = OAuth2Credential(access_token="old", refresh_token="refresh-1", expires_at=0.0)
    with pytest.raises(errors.AuthError, match="reconnect"):
        _oauth_client(provider, credential, []).get("/me")
