"""In AWS the API's signing key comes from Secrets Manager by ARN, never from the environment."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto.server import ThreadedMotoServer

from functions.shared.settings import settings_from_env


@pytest.fixture
def secrets_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for name, value in {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("WFAIB_JWT_SECRET", raising=False)
    settings_from_env.cache_clear()
    try:
        yield endpoint
    finally:
        settings_from_env.cache_clear()
        server.stop()


def test_the_signing_key_is_read_by_arn(secrets_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    client = boto3.client("secretsmanager", endpoint_url=secrets_endpoint)
    arn = client.create_secret(Name="wfaib/test/platform/jwt-signing-key", SecretString="k" * 64)["ARN"]
    monkeypatch.setenv("WFAIB_JWT_SECRET_ARN", arn)

    settings = settings_from_env()

    assert settings.jwt_secret.get_secret_value() == "k" * 64
    assert "k" * 64 not in repr(settings)
