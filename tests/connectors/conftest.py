"""Fixtures for connector tests (provider fakes live in ``fakes/``; each test module starts its own)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakes.dynamo import PlatformTable, moto_platform_table


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dummy AWS settings so boto3 never looks for real credentials."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def platform_table(aws_env: None) -> Iterator[PlatformTable]:
    """The platform table in a moto server of the test's own."""
    with moto_platform_table() as table:
        yield table
