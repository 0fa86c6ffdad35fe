"""Fixtures for connector tests: provider fakes and Secrets Manager (moto)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakes import FakeServer


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    """A bare fake provider; tests add routes."""
    with FakeServer() as server:
        yield server


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dummy AWS settings so boto3 never looks for real credentials."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
