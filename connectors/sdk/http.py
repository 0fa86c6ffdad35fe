"""The HTTP client every action gets as ``ctx.http``: auth, timeouts, retries, errors, tracing.

Retries: httpx's own transport retries cover failed connections only, and no retry library is in
the dependency set, so :class:`RetryingTransport` (a small wrapper around any httpx transport)
retries 429 and 502/503/504 answers, honouring ``Retry-After`` (seconds or an HTTP date). A 429 or
a connection failure never reached the provider's business logic, so it is always replayed; a 5xx
is replayed only for idempotent methods or requests carrying an idempotency key. A wait longer than
``max_delay`` is not slept in the Lambda: the call fails with :class:`RateLimitedError` carrying
``retry_after`` and the state machine's ``Retry`` waits instead (no Lambda time is billed for it).

Errors: every non-2xx answer becomes the matching :mod:`connectors.sdk.errors` class (opt out per
request with ``extensions={"wfaib.raise_for_status": False}``). Messages name the method, the URL
path (never the query string, which may carry a key) and the provider's own error text.
"""

from __future__ import annotations

import base64
import random
import time
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import httpx

from connectors.sdk.auth import (
    ApiKeyAuth,
    ApiKeyCredential,
    AuthSpec,
    AwsIamAuth,
    AwsIamCredential,
    BasicAuth,
    BasicCredential,
    BearerAuth,
    BearerCredential,
    Credential,
    OAuth2Auth,
    OAuth2Credential,
    credential_to_secret,
)
from connectors.sdk.errors import (
    AuthError,
    ConflictError,
    ConnectorError,
    ConnectorTimeoutError,
    InvalidInputError,
    NotFoundError,
    RateLimitedError,
    UpstreamUnavailableError,
)
from connectors.sdk.http_common import RAISE_FOR_STATUS, parse_retry_after

if TYPE_CHECKING:
    from connectors.sdk.context import ActionContext

__all__ = [
    "RAISE_FOR_STATUS",
    "RETRY_STATUSES",
    "ConnectorClient",
    "OAuth2RefreshAuth",
    "RetryingTransport",
    "build_client",
    "build_http_auth",
    "error_for_response",
    "parse_retry_after",
]

RETRY_STATUSES = frozenset({429, 502, 503, 504})
_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_IDEMPOTENCY_HEADERS = ("idempotency-key", "x-idempotency-key")
Sleep = Callable[[float], None]


class RetryingTransport(httpx.BaseTransport):
    """Retries 429/502/503/504 and failed connections, honouring ``Retry-After``.

    ``sleep`` is injectable so tests record waits instead of sleeping through them.

    Example:
        >>> transport = RetryingTransport(httpx.HTTPTransport(), max_attempts=3, sleep=lambda s: None)
        >>> client = httpx.Client(transport=transport)
    """

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        max_attempts: int = 3,
        backoff: float = 0.5,
        max_delay: float = 20.0,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.inner = inner
        self.max_attempts = max(1, max_attempts)
        self.backoff = backoff
        self.max_delay = max_delay
        self.sleep = sleep

    def _replay_safe(self, request: httpx.Request) -> bool:
        return request.method in _IDEMPOTENT_METHODS or any(
            h in request.headers for h in _IDEMPOTENCY_HEADERS
        )

    def _backoff(self, attempt: int) -> float:
        # Full jitter (AWS architecture blog): spreads retries of many runs hitting one provider.
        return random.uniform(0, self.backoff * 2 ** (attempt - 1))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``, retrying transient failures."""
        attempt = 1
        while True:
            try:
                response = self.inner.handle_request(request)
            except (httpx.ConnectError, httpx.ConnectTimeout):
                if attempt >= self.max_attempts:
                    raise
                self.sleep(self._backoff(attempt))
                attempt += 1
                continue
            if response.status_code not in RETRY_STATUSES or attempt >= self.max_attempts:
                return response
            if response.status_code != 429 and not self._replay_safe(request):
                return response
            delay = parse_retry_after(response.headers.get("retry-after"))
            if delay is None:
                delay = self._backoff(attempt)
            if delay > self.max_delay:
                return response
            response.close()
            self.sleep(delay)
            attempt += 1

    def close(self) -> None:
        """Close the wrapped transport."""
        self.inner.close()


def _provider_message(response: httpx.Response, extract: Callable[[Any], str | None] | None) -> str:
    try:
        body: Any = response.json()
    except ValueError:
        return response.text.strip()[:300]
    if extract is not None:
        found = extract(body)
        if found:
            return found
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])
        for key in ("message", "error_description", "error", "detail", "title"):
            if isinstance(body.get(key), str):
                return str(body[key])
    return response.text.strip()[:300]


def error_for_response(
    response: httpx.Response, *, service: str, extract: Callable[[Any], str | None] | None = None
) -> ConnectorError | None:
    """The SDK error for a failed answer (None for 1xx-3xx).

    Example:
        >>> request = httpx.Request("GET", "https://api.example.com/things/1?key=secret")
        >>> error = error_for_response(httpx.Response(404, json={"message": "Not Found"}, request=request),
        ...                            service="Example")
        >>> type(error).__name__, str(error)
        ('NotFoundError', 'Example: HTTP 404 for GET /things/1: Not Found')
    """
    status = response.status_code
    if status < 400:
        return None
    detail = _provider_message(response, extract)
    message = f"{service}: HTTP {status} for {response.request.method} {response.request.url.path}"
    message = f"{message}: {detail}" if detail else message
    if status in {401, 403}:
        return AuthError(message, status_code=status)
    if status in {404, 410}:
        return NotFoundError(message, status_code=status)
    if status == 408:
        return ConnectorTimeoutError(message, status_code=status)
    if status == 409:
        return ConflictError(message, status_code=status)
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        return RateLimitedError(message, status_code=status, retry_after=retry_after)
    if status >= 500:
        return UpstreamUnavailableError(
            message, status_code=status, retry_after=parse_retry_after(response.headers.get("retry-after"))
        )
    if status in {400, 413, 415, 422}:
        return InvalidInputError(message, status_code=status)
    return ConnectorError(message, status_code=status)


class _HeaderAuth(httpx.Auth):
    def __init__(self, header: str, value: str) -> None:
        self.header = header
        self.value = value

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[self.header] = self.value
        yield request


class _QueryAuth(httpx.Auth):
    def __init__(self, name: str, value: str) -> None:
        self.name = name
        self.value = value

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.url = request.url.copy_merge_params({self.name: self.value})
        yield request


class OAuth2RefreshAuth(httpx.Auth):
    """Bearer auth with an OAuth2 token set that refreshes itself.

    Refreshes before the request when the token expires within ``refresh_margin`` seconds, and
    once after a 401; ``on_refresh`` receives the new token set (the runtime writes it back to
    the secret). A refused refresh is an :class:`AuthError` (the user must reconnect).

    Example:
        >>> auth = OAuth2RefreshAuth(OAuth2Auth(token_url="https://o.example/token"),  # doctest: +SKIP
        ...                          credential, on_refresh=store_new_tokens)
    """

    def __init__(
        self,
        spec: OAuth2Auth,
        credential: OAuth2Credential,
        *,
        on_refresh: Callable[[OAuth2Credential], None],
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.spec = spec
        self.credential = credential
        self.on_refresh = on_refresh
        self.transport = transport
        self.clock = clock

    def _expiring(self) -> bool:
        expires_at = self.credential.expires_at
        return expires_at is not None and expires_at - self.spec.refresh_margin <= self.clock()

    def _authorize(self, request: httpx.Request) -> httpx.Request:
        token = self.credential.access_token.get_secret_value()
        request.headers["Authorization"] = f"{self.credential.token_type or 'Bearer'} {token}"
        return request

    def refresh(self) -> None:
        """Exchange the refresh token for a new token set and hand it to ``on_refresh``."""
        credential = self.credential
        if credential.refresh_token is None:
            raise AuthError("the OAuth2 access token expired and the credential has no refresh token")
        form = {"grant_type": "refresh_token", "refresh_token": credential.refresh_token.get_secret_value()}
        headers: dict[str, str] = {"Accept": "application/json"}
        client_secret = credential.client_secret.get_secret_value() if credential.client_secret else ""
        if self.spec.client_auth == "basic":
            pair = f"{credential.client_id or ''}:{client_secret}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        else:
            form |= {"client_id": credential.client_id or "", "client_secret": client_secret}
        with httpx.Client(transport=self.transport, timeout=15.0) as client:
            response = client.post(self.spec.token_url, data=form, headers=headers)
        if response.status_code >= 400:
            error = error_for_response(response, service="OAuth2 token endpoint")
            if isinstance(error, AuthError | InvalidInputError):
                raise AuthError(
                    f"OAuth2 refresh was refused (HTTP {response.status_code}); reconnect the credential"
                )
            raise error or ConnectorError("OAuth2 refresh failed")
        body = response.json()
        expires_in = body.get("expires_in")
        plain = credential_to_secret(credential)
        plain.update(
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token") or plain.get("refresh_token"),
            expires_at=self.clock() + float(expires_in) if expires_in is not None else None,
            token_type=str(body.get("token_type") or credential.token_type).capitalize(),
            scope=body.get("scope", credential.scope),
        )
        # The connector's own model (a subclass adding e.g. ``instance_url``), not the base: the
        # written-back secret must still parse as that model on the next invocation.
        self.credential = type(credential).model_validate(plain)
        self.on_refresh(self.credential)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Authorize, refreshing before or (once) after a 401."""
        if self._expiring():
            self.refresh()
        response = yield self._authorize(request)
        if response.status_code == 401 and self.credential.refresh_token is not None:
            self.refresh()
            yield self._authorize(request)


class _SigV4Auth(httpx.Auth):
    requires_request_body = True

    def __init__(self, service: str, region: str, credentials: Any) -> None:
        self.service = service
        self.region = region
        self.credentials = credentials

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest

        aws_request = AWSRequest(
            method=request.method,
            url=str(request.url),
            data=request.content,
            headers={"host": request.url.host},
        )
        SigV4Auth(self.credentials.get_frozen_credentials(), self.service, self.region).add_auth(aws_request)
        for name, value in aws_request.headers.items():
            request.headers[name] = value
        yield request


def build_http_auth(
    spec: AuthSpec,
    credential: Credential | None,
    *,
    on_refresh: Callable[[OAuth2Credential], None],
    transport: httpx.BaseTransport | None = None,
    clock: Callable[[], float] = time.time,
) -> httpx.Auth | None:
    """The httpx auth for a connector's declaration and the user's credential.

    Example:
        >>> auth = build_http_auth(BearerAuth(), BearerCredential(token="t0k3n"), on_refresh=print)
        >>> type(auth).__name__
        '_HeaderAuth'
    """
    if isinstance(spec, ApiKeyAuth) and isinstance(credential, ApiKeyCredential):
        key = credential.api_key.get_secret_value()
        if spec.query_param:
            return _QueryAuth(spec.query_param, key)
        return _HeaderAuth(spec.header or "X-API-Key", f"{spec.prefix}{key}")
    if isinstance(spec, BasicAuth) and isinstance(credential, BasicCredential):
        return httpx.BasicAuth(credential.username, credential.password.get_secret_value())
    if isinstance(spec, BearerAuth) and isinstance(credential, BearerCredential):
        return _HeaderAuth(spec.header, f"{spec.scheme} {credential.token.get_secret_value()}".strip())
    if isinstance(spec, OAuth2Auth) and isinstance(credential, OAuth2Credential):
        return OAuth2RefreshAuth(spec, credential, on_refresh=on_refresh, transport=transport, clock=clock)
    if isinstance(spec, AwsIamAuth) and isinstance(credential, AwsIamCredential | None):
        import boto3

        session = boto3.Session(region_name=credential.region if credential else None)
        if credential and credential.role_arn:
            assume: dict[str, Any] = {"RoleArn": credential.role_arn, "RoleSessionName": "wfaib-connector"}
            if credential.external_id:
                assume["ExternalId"] = credential.external_id.get_secret_value()
            keys = session.client("sts").assume_role(**assume)["Credentials"]
            session = boto3.Session(
                aws_access_key_id=keys["AccessKeyId"],
                aws_secret_access_key=keys["SecretAccessKey"],
                aws_session_token=keys["SessionToken"],
                region_name=session.region_name,
            )
        return _SigV4Auth(spec.service, session.region_name or "us-east-1", session.get_credentials())
    return None


class ConnectorClient(httpx.Client):
    """An ``httpx.Client`` that turns provider failures into SDK errors after auth and retries.

    (Event hooks would see the 401 that an OAuth2 refresh is about to fix, so the check runs
    after ``send`` returns instead.)
    """

    def __init__(
        self,
        *,
        service: str,
        extract: Callable[[Any], str | None] | None,
        check_response: Callable[[httpx.Response], None] | None,
        map_error: Callable[[httpx.Response], ConnectorError | None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.service = service
        self.extract = extract
        self.check_response = check_response
        self.map_error = map_error

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        """Send, then raise the SDK error for a failed answer (unless the request opted out)."""
        try:
            response = super().send(request, **kwargs)
        except httpx.TimeoutException:
            raise ConnectorTimeoutError(
                f"{self.service}: timed out on {request.method} {request.url.path}"
            ) from None
        except httpx.TransportError as exc:
            raise UpstreamUnavailableError(
                f"{self.service}: could not reach {request.url.host} ({type(exc).__name__})"
            ) from None
        if request.extensions.get(RAISE_FOR_STATUS, True) is False:
            return response
        if response.status_code >= 400:
            response.read()
            error = self.map_error(response) if self.map_error is not None else None
            error = error or error_for_response(response, service=self.service, extract=self.extract)
            if error is not None:
                raise error
        if self.check_response is not None:
            self.check_response(response)
        return response


def build_client(ctx: ActionContext) -> httpx.Client:
    """The client behind ``ctx.http`` for one action invocation.

    Example:
        >>> client = build_client(ctx)  # doctest: +SKIP
    """
    from connectors.sdk.tracing import instrument_httpx

    services = ctx.services
    connector = ctx.connector
    instrument_httpx(services.tracing)
    inner: httpx.BaseTransport = services.transport or httpx.HTTPTransport()
    headers = {
        "User-Agent": f"wfaib-connector-{connector.id}/{connector.version}",
        **connector.default_headers,
    }
    if ctx.side_effect and connector.idempotency_header:
        headers[connector.idempotency_header] = ctx.idempotency_key
    auth = build_http_auth(
        connector.auth, ctx.credential, on_refresh=ctx._store_refreshed, transport=inner, clock=services.clock
    )
    return ConnectorClient(
        service=connector.name,
        extract=connector.error_message,
        check_response=connector.check_response,
        map_error=connector.map_error,
        base_url=ctx.base_url,
        auth=auth,
        headers=headers,
        timeout=httpx.Timeout(connector.timeout, connect=min(10.0, connector.timeout)),
        transport=RetryingTransport(inner, max_attempts=connector.max_attempts, sleep=services.sleep),
    )
