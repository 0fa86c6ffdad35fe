"""The compiled payload may name the run's tenant; actions see it, to attribute usage."""

from __future__ import annotations

from connectors.sdk import ActionContext, ActionInput, ActionOutput, Connector, NoAuth
from connectors.sdk.testing import ConnectorTester


class Empty(ActionInput):
    pass


class Who(ActionOutput):
    tenant_id: str


def _connector() -> Connector:
    who = Connector("who", "Who", version="1.0.0", auth=NoAuth(), base_url="https://who.test")

    @who.action("am_i", version=1)
    def am_i(params: Empty, ctx: ActionContext) -> Who:
        return Who(tenant_id=ctx.tenant_id)

    return who


def test_the_tenant_of_the_run_reaches_the_action() -> None:
    tester = ConnectorTester(_connector())
    assert tester.run("am_i", {}, tenant_id="acme") == {"tenant_id": "acme"}
    assert tester.run("am_i", {}) == {"tenant_id": ""}
