"""The local platform, started in-process on a free port, and HTTP clients for several tenants.

One platform per test session (per xdist worker): it is started once with the examples seeded
and the runtime's virtual clock, and ``PlatformHandle.restart`` stops and starts it on the same
data directory (the restart test uses that). Every test makes its own workflow ids.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from integration.helpers import Api, FakeSlack, PlatformHandle


@pytest.fixture(scope="session")
def handle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlatformHandle]:
    platform_handle = PlatformHandle(tmp_path_factory.mktemp("wfaib-data"))
    yield platform_handle
    platform_handle.platform.stop()


@pytest.fixture
def acme(handle: PlatformHandle) -> Api:
    """An owner of tenant ``acme``."""
    return handle.client("acme")


@pytest.fixture
def globex(handle: PlatformHandle) -> Api:
    """An owner of tenant ``globex``."""
    return handle.client("globex")


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """A fake Slack API on loopback."""
    fake = FakeSlack()
    yield fake
    fake.close()
