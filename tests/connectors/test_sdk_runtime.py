"""The runtime behind the Lambda handler: the event contract, versions, claim-check, secrets."""

from __future__ import annotations

import importlib
import json
import logging
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer

from connectors.sdk import (
    ActionContext,
    ActionInput,
    ActionOutput,
    BearerAuth,
    ClaimCheckStore,
    Connector,
    ConnectorError,
    HttpRequest,
    InvalidInputError,
    OAuth2Auth,
    PayloadTooLargeError,
    UnknownActionError,
)
from connectors.sdk.context import Services
from connectors.sdk.credentials import SecretsManagerCredentials
from connectors.sdk.runtime import ConnectorRuntime
from connectors.sdk.testing import ConnectorTester

SECRET_TOKEN = "tok-very-secret-4242"


class EchoInput(ActionInput):
    text: str
    repeat: int = 1


class EchoOutput(ActionOutput):
    text: str
    idempotency_key: str | None = None


def _demo() -> Connector:
    demo = Connector(
        "demo",
        "Demo",
        version="1.0.0",
        auth=BearerAuth(),
        base_url="https://demo.test",
        idempotency_header="Idem",
    )

    @demo.action("echo", version=1, side_effect=True)
    def echo(params: EchoInput, ctx: ActionContext) -> EchoOutput:
        body = ctx.http.post("/echo", json=params.model_dump()).json()
        return EchoOutput(text=body["text"], idempotency_key=ctx.idempotency_key)

    @demo.action("echo", version=2)
    def echo_v2(params: EchoInput, ctx: ActionContext) -> EchoOutput:
        return EchoOutput(text=params.text * params.repeat)

    @demo.action("leak", version=1)
    def leak(params: EchoInput, ctx: ActionContext) -> EchoOutput:
        assert ctx.credential is not None
        ctx.logger.info("using token %s", SECRET_TOKEN, extra={"authorization": "Bearer abc"})
        raise RuntimeError(f"boom with {SECRET_TOKEN}")

    class ThingInput(ActionInput):
        thing_id: str
        verbose: bool = False

    demo.http_action(
        "get_thing",
        request=HttpRequest("GET", "/things/{thing_id}", response_field="data"),
        input=ThingInput,
        output=EchoOutput,
    )
    return demo


def _echo_server(request: httpx.Request) -> httpx.Response:
    if request.headers.get("Authorization") != f"Bearer {SECRET_TOKEN}":
        return httpx.Response(401, json={"message": "bad token"})
    if request.url.path.startswith("/things/"):
        return httpx.Response(200, json={"data": {"text": request.url.raw_path.decode()}})
    body = json.loads(request.content)
    return httpx.Response(200, json={"text": body["text"], "idem": request.headers.get("Idem")})


@pytest.fixture
def tester() -> ConnectorTester:
    return ConnectorTester(
        _demo(), credential={"token": SECRET_TOKEN}, transport=httpx.MockTransport(_echo_server)
    )


def test_side_effect_action_receives_and_sends_the_idempotency_key(tester: ConnectorTester) -> None:
    seen: list[httpx.Request] = []
    tester.services.transport = httpx.MockTransport(lambda r: seen.append(r) or _echo_server(r))
    out = tester.run("echo", {"text": "hi"}, execution_id="arn:exec:1", node_id="notify")
    assert out == {"text": "hi", "idempotency_key": "arn:exec:1/notify"}
    assert seen[0].headers["Idem"] == "arn:exec:1/notify"


def test_version_two_lives_beside_version_one(tester: ConnectorTester) -> None:
    assert tester.run("echo", {"text": "ab", "repeat": 2}, version=2)["text"] == "abab"
    with pytest.raises(InvalidInputError, match=r"params\.repeat"):
        tester.run("echo", {"text": "ab", "repeat": "x"}, version=1)
    with pytest.raises(UnknownActionError, match=r"demo\.echo v3"):
        tester.run("echo", {"text": "ab"}, version=3)
    with pytest.raises(UnknownActionError):
        tester.run("other.echo", {"text": "ab"})


def test_declarative_action_maps_path_and_query_and_picks_response_field(tester: ConnectorTester) -> None:
    out = tester.run("get_thing", {"thing_id": "a/b", "verbose": True})
    assert out["text"] == "/things/a%2Fb?verbose=true"


def test_malformed_event_is_invalid_input(tester: ConnectorTester) -> None:
    with pytest.raises(InvalidInputError, match=r"event\.idempotency_key"):
        tester.runtime.handle({"action": "demo.echo", "version": 1, "params": {}})
    with pytest.raises(InvalidInputError, match="must be a JSON object"):
        tester.runtime.handle(["demo.echo"])  # type: ignore[arg-type]


class Collect(logging.Handler):
    """Formats records with the Powertools JSON formatter, as CloudWatch would receive them."""

    def __init__(self, formatter: logging.Formatter | None) -> None:
        super().__init__()
        self.setFormatter(formatter)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_unexpected_errors_surface_as_connector_error_with_secrets_redacted(tester: ConnectorTester) -> None:
    underlying = tester.runtime.logger._logger  # type: ignore[union-attr]
    collect = Collect(underlying.handlers[0].formatter)
    underlying.addHandler(collect)
    try:
        with pytest.raises(ConnectorError) as caught:
            tester.run("leak", {"text": "x"})
    finally:
        underlying.removeHandler(collect)
    assert type(caught.value) is ConnectorError
    assert str(caught.value) == "demo.leak failed: RuntimeError: boom with ***"
    logs = "\n".join(collect.lines)
    assert "using token ***" in logs
    assert "RuntimeError: boom with ***" in logs
    assert SECRET_TOKEN not in logs
    assert "Bearer abc" not in logs


def test_auth_failure_message_never_holds_the_token() -> None:
    tester = ConnectorTester(
        _demo(), credential={"token": "wrong-token-999"}, transport=httpx.MockTransport(_echo_server)
    )
    with pytest.raises(Exception) as caught:
        tester.run("echo", {"text": "x"})
    assert type(caught.value).__name__ == "AuthError"
    assert "wrong-token-999" not in str(caught.value)


def test_credential_that_does_not_fit_names_fields_not_values() -> None:
    tester = ConnectorTester(
        _demo(), credential={"tokn": "leaky-value-1"}, transport=httpx.MockTransport(_echo_server)
    )
    with pytest.raises(Exception) as caught:
        tester.run("echo", {"text": "x"})
    assert type(caught.value).__name__ == "AuthError"
    assert "token: Field required" in str(caught.value)
    assert "leaky-value-1" not in str(caught.value)


@pytest.fixture
def aws(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A moto server of our own, rather than mock_aws(), which resets moto's state process-wide
    (and with it any other emulation running in this test worker)."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://{host}:{port}")
    try:
        yield f"payloads-{uuid.uuid4().hex[:12]}"
    finally:
        server.stop()


def test_large_output_goes_to_s3_and_the_reference_resolves_in_the_next_step(aws: str) -> None:
    bucket = aws
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=bucket)
    tester = ConnectorTester(
        _demo(), credential={"token": SECRET_TOKEN}, claim_check=ClaimCheckStore(bucket, threshold=1000)
    )
    big = "x" * 5000
    ref = tester.run("echo", {"text": big, "repeat": 1}, version=2, execution_id="e1", node_id="n1")
    body = s3.get_object(Bucket=bucket, Key="claim-check/e1/n1.json")["Body"].read()
    assert ref == {"$claim_check": {"bucket": bucket, "key": "claim-check/e1/n1.json", "size": len(body)}}
    assert json.loads(body) == {"text": big, "idempotency_key": None}
    # A reference in params resolves before validation: here to an object where a string belongs.
    with pytest.raises(InvalidInputError, match=r"params\.text: Input should be a valid string"):
        tester.run("echo", {"text": ref, "repeat": 1}, version=2)
    text_ref = ClaimCheckStore(bucket).put("short", "e1/n2")
    assert tester.run("echo", {"text": text_ref, "repeat": 2}, version=2) == {
        "text": "shortshort",
        "idempotency_key": None,
    }


def test_large_output_without_a_bucket_is_payload_too_large() -> None:
    tester = ConnectorTester(_demo(), claim_check=ClaimCheckStore(None, threshold=100))
    with pytest.raises(PayloadTooLargeError, match="WFAIB_CLAIM_CHECK_BUCKET"):
        tester.run("echo", {"text": "y" * 500}, version=2)


def test_credentials_come_from_secrets_manager_and_are_cached(aws: None) -> None:
    sm = boto3.client("secretsmanager")
    sm.create_secret(Name="wfaib/t1/demo", SecretString=json.dumps({"token": SECRET_TOKEN}))
    runtime = ConnectorRuntime(
        _demo(),
        services=Services(
            credentials=SecretsManagerCredentials(), transport=httpx.MockTransport(_echo_server)
        ),
        metrics=False,
    )
    event = {
        "action": "demo.echo",
        "version": 1,
        "params": {"text": "a"},
        "credential": "wfaib/t1/demo",
        "idempotency_key": "e/n",
    }
    assert runtime.handle(event)["text"] == "a"
    sm.delete_secret(SecretId="wfaib/t1/demo", ForceDeleteWithoutRecovery=True)
    assert runtime.handle(event)["text"] == "a"  # served from the Powertools cache
    with pytest.raises(Exception, match="'wfaib/t1/missing' was not found") as caught:
        runtime.handle({**event, "credential": "wfaib/t1/missing"})
    assert type(caught.value).__name__ == "AuthError"


def test_oauth2_refresh_is_written_back_to_the_secret(aws: None) -> None:
    sm = boto3.client("secretsmanager")
    secret = {
        "access_token": "expired",
        "refresh_token": "r1",
        "expires_at": 0,
        "client_id": "c",
        "client_secret": "s",
    }
    sm.create_secret(Name="wfaib/t1/oauth", SecretString=json.dumps(secret))
    app = Connector(
        "oauthdemo",
        "OAuth demo",
        version="1",
        auth=OAuth2Auth(token_url="https://auth.test/token"),
        base_url="https://api.test",
    )

    class MeInput(ActionInput):
        pass

    class MeOutput(ActionOutput):
        user: str

    @app.action("me")
    def me(params: MeInput, ctx: ActionContext) -> MeOutput:
        return MeOutput.model_validate(ctx.http.get("/me").json())

    def provider(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            return httpx.Response(
                200, json={"access_token": "fresh-access-77", "expires_in": 3600, "token_type": "bearer"}
            )
        assert request.headers["Authorization"] == "Bearer fresh-access-77"
        return httpx.Response(200, json={"user": "ada"})

    runtime = ConnectorRuntime(
        app,
        services=Services(
            credentials=SecretsManagerCredentials(),
            transport=httpx.MockTransport(provider),
            clock=lambda: 100.0,
        ),
        metrics=False,
    )
    event = {"action": "oauthdemo.me", "version": 1, "credential": "wfaib/t1/oauth", "idempotency_key": "e/n"}
    assert runtime.handle(event) == {"user": "ada"}
    stored = json.loads(sm.get_secret_value(SecretId="wfaib/t1/oauth")["SecretString"])
    assert stored["access_token"] == "fresh-access-77"
    assert stored["refresh_token"] == "r1"
    assert stored["expires_at"] == 3700.0


class _Context:
    function_name = "wfaib-local-connector-slack"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:wfaib-local-connector-slack"
    memory_limit_in_mb = 256
    aws_request_id = "req-1"
    log_group_name = "/aws/lambda/x"
    log_stream_name = "s"


def test_lambda_handler_imports_only_the_named_connector(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WFAIB_CONNECTOR", "slack")
    for name in [m for m in sys.modules if m.startswith("connectors.") and m != "connectors.sdk"]:
        if not name.startswith("connectors.sdk"):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.delitem(sys.modules, "connectors.sdk.handler", raising=False)
    from connectors.sdk import registry

    registry.load_connector.cache_clear()
    module = importlib.import_module("connectors.sdk.handler")
    loaded = {
        m.split(".")[1]
        for m in sys.modules
        if m.startswith("connectors.") and not m.startswith("connectors.sdk")
    }
    assert loaded == {"slack"}
    with pytest.raises(UnknownActionError) as caught:
        module.handler({"action": "slack.nope", "version": 1, "idempotency_key": "e/n"}, _Context())
    assert type(caught.value).__name__ == "UnknownActionError"
    monkeypatch.delitem(sys.modules, "connectors.sdk.handler")
    registry.load_connector.cache_clear()


def test_local_functions_are_named_like_the_deployed_ones() -> None:
    from connectors.sdk.local import connector_lambdas

    handlers = connector_lambdas("wfaib-local", env={})
    assert "wfaib-local-connector-slack" in handlers
    assert all(name.startswith("wfaib-local-connector-") for name in handlers)


def test_declaration_mistakes_fail_at_import() -> None:
    demo = _demo()

    class Loose(ActionOutput):
        text: str

    with pytest.raises(ValueError, match="declared twice"):

        @demo.action("echo", version=1)
        def again(params: EchoInput, ctx: ActionContext) -> EchoOutput:
            raise AssertionError

    with pytest.raises(TypeError, match="must forbid extra fields"):

        @demo.action("loose")
        def loose(params: Loose, ctx: ActionContext) -> EchoOutput:
            raise AssertionError

    with pytest.raises(TypeError, match="return type must be a pydantic model"):

        @demo.action("untyped")
        def untyped(params: EchoInput, ctx: ActionContext) -> dict[str, Any]:
            raise AssertionError


def test_redacting_filter_handles_plain_logging() -> None:
    tester = ConnectorTester(_demo(), credential={"token": SECRET_TOKEN})
    plain = logging.getLogger("wfaib-test-plain")
    runtime = ConnectorRuntime(tester.connector, services=tester.services, logger=plain, metrics=False)
    tester.services.redactor.add([SECRET_TOKEN])
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    plain.addHandler(handler)
    runtime.logger.warning("x %s", SECRET_TOKEN)
    assert records[0].getMessage() == "x ***"


def test_timeouts_and_unreachable_providers_are_retryable_errors() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    tester = ConnectorTester(_demo(), credential={"token": SECRET_TOKEN}, transport=httpx.MockTransport(slow))
    with pytest.raises(ConnectorError) as caught:
        tester.run("echo", {"text": "x"})
    assert type(caught.value).__name__ == "ConnectorTimeoutError"

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    tester = ConnectorTester(
        _demo(), credential={"token": SECRET_TOKEN}, transport=httpx.MockTransport(refused)
    )
    with pytest.raises(ConnectorError) as caught:
        tester.run("echo", {"text": "x"})
    assert type(caught.value).__name__ == "UpstreamUnavailableError"
    assert len(tester.sleeps) == 2  # connection failures are retried inside the function first


def test_output_that_breaks_its_model_is_a_connector_error() -> None:
    broken = Connector("broken", "Broken", version="1")

    class In(ActionInput):
        pass

    class Out(ActionOutput):
        count: int

    @broken.action("count")
    def count(params: In, ctx: ActionContext) -> Out:
        return Out.model_construct(count="many")  # type: ignore[arg-type]

    @broken.action("count", version=2)
    def count_v2(params: In, ctx: ActionContext) -> Out:
        return {"count": "many"}  # type: ignore[return-value]

    for version in (1, 2):
        with pytest.raises(
            ConnectorError, match=r"broken\.count returned output that does not fit"
        ) as caught:
            ConnectorTester(broken).run("count", {}, version=version)
        assert type(caught.value) is ConnectorError


def test_aws_iam_auth_signs_requests_with_sigv4(aws_env: None) -> None:
    from connectors.sdk import AwsIamAuth

    signed = Connector(
        "signed", "Signed", version="1", auth=AwsIamAuth(service="execute-api"), base_url="https://api.test"
    )

    class In(ActionInput):
        pass

    class Out(ActionOutput):
        authorization: str

    @signed.action("whoami")
    def whoami(params: In, ctx: ActionContext) -> Out:
        return Out.model_validate(ctx.http.get("/whoami").json())

    def echo_auth(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"authorization": request.headers["Authorization"]})

    out = ConnectorTester(signed, transport=httpx.MockTransport(echo_auth)).run("whoami", {})
    assert out["authorization"].startswith("AWS4-HMAC-SHA256 Credential=testing/")
    assert "/us-east-1/execute-api/aws4_request" in out["authorization"]


def test_settings_require_the_connector_name() -> None:
    from connectors.sdk.runtime import RuntimeSettings

    with pytest.raises(ValueError, match="WFAIB_CONNECTOR is not set"):
        RuntimeSettings.from_env({})
    settings = RuntimeSettings.from_env(
        {
            "WFAIB_CONNECTOR": "slack",
            "WFAIB_CLAIM_CHECK_THRESHOLD": "1000",
            "AWS_XRAY_DAEMON_ADDRESS": "169.254.79.129:2000",
        }
    )
    assert (settings.claim_check_threshold, settings.tracing) == (1000, True)


def test_connector_credential_model_extends_the_auth_credential() -> None:
    from connectors.sdk import BasicAuth, BasicCredential

    class DatabaseCredential(BasicCredential):
        host: str
        port: int = 5432

    db = Connector("dbdemo", "DB demo", version="1", auth=BasicAuth(), credential_model=DatabaseCredential)

    class In(ActionInput):
        pass

    class Out(ActionOutput):
        target: str

    @db.action("where")
    def where(params: In, ctx: ActionContext) -> Out:
        credential = ctx.credential
        assert isinstance(credential, DatabaseCredential)
        return Out(target=f"{credential.username}@{credential.host}:{credential.port}")

    tester = ConnectorTester(db, credential={"username": "app", "password": "pw-123456", "host": "db.local"})
    assert tester.run("where", {}) == {"target": "app@db.local:5432"}
    with pytest.raises(Exception, match="host: Field required"):
        ConnectorTester(db, credential={"username": "app", "password": "pw-123456"}).run("where", {})
    with pytest.raises(TypeError, match="must subclass BearerCredential"):
        Connector("bad", "Bad", version="1", auth=BearerAuth(), credential_model=DatabaseCredential)
