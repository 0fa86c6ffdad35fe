"""Helpers for testing connectors: run an action exactly as the Lambda would, offline.

Example:
    >>> tester = ConnectorTester(connector, credential={"token": "xoxb-test"},  # doctest: +SKIP
    ...                          base_url=fake_slack.url)
    >>> tester.run("post_message", {"channel": "C1", "text": "hi"})  # doctest: +SKIP
    {'channel': 'C1', 'ts': '1700000000.000100'}
    >>> tester.sleeps  # waits the retry layer asked for; nothing really slept  # doctest: +SKIP
    [1.0]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from connectors.sdk.claim_check import ClaimCheckStore
from connectors.sdk.connector import Connector
from connectors.sdk.context import Services
from connectors.sdk.credentials import InMemoryCredentials
from connectors.sdk.runtime import ConnectorRuntime

__all__ = ["TEST_CREDENTIAL_REF", "ConnectorTester"]

TEST_CREDENTIAL_REF = "wfaib/test/credential"


class ConnectorTester:
    """A connector runtime with an in-memory credential, recorded sleeps and no metrics.

    ``base_url`` points every request at a local fake; ``transport`` (an ``httpx.MockTransport``)
    replaces the network entirely; ``clock`` drives OAuth2 expiry.
    """

    def __init__(
        self,
        connector: Connector,
        *,
        credential: dict[str, Any] | None = None,
        base_url: str | None = None,
        transport: Any = None,
        clock: Callable[[], float] | None = None,
        claim_check: ClaimCheckStore | None = None,
    ) -> None:
        self.connector = connector
        self.credentials = InMemoryCredentials(
            {TEST_CREDENTIAL_REF: credential} if credential is not None else {}
        )
        self.sleeps: list[float] = []
        self.services = Services(
            credentials=self.credentials,
            claim_check=claim_check or ClaimCheckStore(None),
            transport=transport,
            sleep=self.sleeps.append,
            base_url=base_url,
        )
        if clock is not None:
            self.services.clock = clock
        self.runtime = ConnectorRuntime(connector, services=self.services, metrics=False)
        self._credential_ref = TEST_CREDENTIAL_REF if credential is not None else None

    def event(
        self,
        action: str,
        params: dict[str, Any],
        *,
        version: int = 1,
        execution_id: str = "exec-test",
        node_id: str = "node-test",
        tenant_id: str = "",
        workflow_id: str = "",
    ) -> dict[str, Any]:
        """The Payload the compiled Task would send."""
        action_id = action if "." in action else f"{self.connector.id}.{action}"
        return {
            "action": action_id,
            "version": version,
            "params": params,
            "credential": self._credential_ref,
            "idempotency_key": f"{execution_id}/{node_id}",
            "execution_id": execution_id,
            "node_id": node_id,
            "tenant_id": tenant_id,
            "workflow_id": workflow_id,
        }

    def run(self, action: str, params: dict[str, Any], *, version: int = 1, **event: Any) -> Any:
        """Run ``action`` (``name`` or ``<connector>.<name>``) through the real runtime."""
        return self.runtime.handle(self.event(action, params, version=version, **event))

    def poll(
        self, trigger: str, params: dict[str, Any], *, cursor: str | None = None, version: int = 1
    ) -> Any:
        """Poll a polling trigger once."""
        trigger_id = trigger if "." in trigger else f"{self.connector.id}.{trigger}"
        return self.runtime.handle(
            {
                "trigger": trigger_id,
                "version": version,
                "params": params,
                "credential": self._credential_ref,
                "cursor": cursor,
            }
        )
