"""An OAuth2 refresh keeps the connector's own credential model (fields beyond the token set)."""

from __future__ import annotations

from urllib.parse import parse_qs

import httpx

from connectors.sdk import (
    ActionContext,
    ActionInput,
    ActionOutput,
    Connector,
    OAuth2Auth,
    OAuth2Credential,
)
from connectors.sdk.testing import TEST_CREDENTIAL_REF, ConnectorTester

NOW = 1_800_000_000.0


class OrgCredential(OAuth2Credential):
    """Like Salesforce: the token set plus where the org's API lives."""

    instance_url: str
    org_id: str


class WhoAmIInput(ActionInput):
    pass


class WhoAmIOutput(ActionOutput):
    org_id: str
    user: str


def _org_connector() -> Connector:
    org = Connector(
        "orgdemo",
        "Org demo",
        version="1.0.0",
        auth=OAuth2Auth(token_url="https://login.orgdemo.test/oauth/token"),
        credential_model=OrgCredential,
    )

    @org.action("whoami", version=1)
    def whoami(params: WhoAmIInput, ctx: ActionContext) -> WhoAmIOutput:
        credential = ctx.credential
        assert isinstance(credential, OrgCredential)
        body = ctx.http.get(f"{credential.instance_url}/me").json()
        # Read after the call: a refresh during it must leave the connector's own model in place.
        after = ctx.credential
        assert isinstance(after, OrgCredential), type(after).__name__
        return WhoAmIOutput(org_id=after.org_id, user=body["user"])

    return org


class FakeTokenEndpoint:
    """The provider's token endpoint and API: refresh_token r1 → access token fresh-1."""

    def __init__(self) -> None:
        self.refreshes: list[dict[str, list[str]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            form = parse_qs(request.content.decode())
            self.refreshes.append(form)
            if form.get("refresh_token") != ["r1"]:
                return httpx.Response(400, json={"error": "invalid_grant"})
            return httpx.Response(
                200,
                json={
                    "access_token": "fresh-1",
                    "refresh_token": "r2",
                    "expires_in": 3600,
                    "token_type": "bearer",
                },
            )
        if request.url.host == "eu7.orgdemo.test" and request.url.path == "/me":
            if request.headers.get("Authorization") != "Bearer fresh-1":
                return httpx.Response(401, json={"error": "expired"})
            return httpx.Response(200, json={"user": "ada"})
        return httpx.Response(404, json={"error": "no route"})


def test_refresh_keeps_the_extended_credential_fields_and_writes_them_back() -> None:
    provider = FakeTokenEndpoint()
    tester = ConnectorTester(
        _org_connector(),
        credential={
            "access_token": "stale",
            "refresh_token": "r1",
            "expires_at": NOW - 10,
            "client_id": "cid",
            "client_secret": "csecret",
            "instance_url": "https://eu7.orgdemo.test",
            "org_id": "00D42",
        },
        transport=httpx.MockTransport(provider),
        clock=lambda: NOW,
    )

    assert tester.run("whoami", {}) == {"org_id": "00D42", "user": "ada"}
    assert len(provider.refreshes) == 1
    stored = tester.credentials.get(TEST_CREDENTIAL_REF)
    assert stored["instance_url"] == "https://eu7.orgdemo.test"
    assert stored["org_id"] == "00D42"
    assert (stored["access_token"], stored["refresh_token"], stored["expires_at"]) == (
        "fresh-1",
        "r2",
        NOW + 3600,
    )
    # The next invocation reads the written-back secret with the connector's model: no refresh.
    assert tester.run("whoami", {}) == {"org_id": "00D42", "user": "ada"}
    assert len(provider.refreshes) == 1
