"""Helpers for the app and AI connector tests (fakes come from ``tests/connectors/fakes``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest


@pytest.fixture
def logs_without(caplog: pytest.LogCaptureFixture) -> Callable[..., None]:
    """``logs_without(*secrets)`` asserts that no captured log record (message and extra keys)
    holds a secret. (The same check as ``messaging/conftest.py``; fixtures there are not visible here.)

    The runtime logs every failed action (``action failed``), so the check first asserts that
    there is a failure log to look at.
    """

    def check(*secrets: str) -> None:
        logs = "\n".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
        assert "action failed" in logs, "the failure was not logged; nothing to check"
        for secret in secrets:
            assert secret not in logs

    return check
