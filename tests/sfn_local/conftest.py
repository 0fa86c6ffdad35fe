"""Fixtures: the local Step Functions served on a free port, and a moto server for integrations."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from botocore.client import BaseClient
from botocore.config import Config
from moto.server import ThreadedMotoServer

from state_machines.runtime import VirtualClock
from wfaib.local.aws_integrations import AwsIntegrationSettings
from wfaib.sfn_local import SfnHttpServer, SfnLocal

CREDENTIALS = {"region_name": "us-east-1", "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws(moto_endpoint: str) -> Iterator[dict[str, BaseClient]]:
    """boto3 clients at the moto server, by service name."""
    yield {
        name: boto3.client(name, endpoint_url=moto_endpoint, **CREDENTIALS)  # type: ignore[call-overload]
        for name in ("dynamodb", "sqs", "sns", "events", "s3")
    }


@pytest.fixture
def local(moto_endpoint: str) -> Iterator[SfnLocal]:
    """An in-memory local Step Functions on a virtual clock, integrations pointed at moto."""
    settings = AwsIntegrationSettings(
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with SfnLocal(None, clock=VirtualClock(auto_advance=True), aws=settings) as sfn_local:
        yield sfn_local


@pytest.fixture
def endpoint(local: SfnLocal) -> Iterator[str]:
    with SfnHttpServer(local, port=0) as server:
        yield server.endpoint_url


@pytest.fixture
def sfn(endpoint: str) -> BaseClient:
    """Plain boto3, as a user would configure it (no host prefix, so StartSyncExecution works too)."""
    return boto3.client(  # type: ignore[call-overload]
        "stepfunctions", endpoint_url=endpoint, config=Config(inject_host_prefix=False), **CREDENTIALS
    )
