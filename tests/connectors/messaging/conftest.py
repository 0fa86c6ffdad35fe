"""Helpers for the messaging connector tests (fakes come from ``tests/connectors/fakes``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

SecretCheck = Callable[..., str]  # the type of the fixture below


@pytest.fixture
def logs_without(caplog: pytest.LogCaptureFixture) -> SecretCheck:
    """``logs_without(*secrets)``: every captured log record (message and extra keys), asserting
    that no secret appears in it.

    The runtime logs every failed action (``action failed`` with the reason), so a test that
    triggers a failure first gets a non-empty log to check.
    """

    def check(*secrets: str) -> str:
        logs = "\n".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
        assert "action failed" in logs, "the failure was not logged; nothing to check"
        for secret in secrets:
            assert secret not in logs
        return logs

    return check
