"""Cognito tokens over HTTP: verified against the pool's JWKS, tenant from the claim, role from the record.

Every way a token can be wrong is answered with the 401 envelope (no traceback); a valid token of
someone who is not a user of the tenant gets 403; the signing keys are fetched once, not per call.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from functions.api.auth import authenticate, issue_token
from functions.api.errors import ApiError
from functions.shared import Settings, store
from integration.cognito import FakeUserPool, trusting
from integration.helpers import Api, PlatformHandle, assert_envelope, unique


@pytest.fixture(scope="module")
def pool(handle: PlatformHandle) -> Iterator[FakeUserPool]:
    user_pool = FakeUserPool()
    with trusting(user_pool):
        yield user_pool
    user_pool.close()


@pytest.fixture
def tenant() -> str:
    """A fresh tenant whose owner is ``owner@<tenant>.test`` (the bootstrap step of docs/deploy.md)."""
    tenant_id = unique("cog")
    store.put_tenant(tenant_id, tenant_id)
    store.put_user(tenant_id, f"owner@{tenant_id}.test", f"owner@{tenant_id}.test", "owner")
    return tenant_id


def _as(handle: PlatformHandle, token: str) -> Api:
    return Api(handle.platform.api_url, {"Authorization": f"Bearer {token}"})


def test_an_id_token_signs_in_with_the_tenant_of_its_claim_and_the_role_of_the_record(
    handle: PlatformHandle, pool: FakeUserPool, tenant: str
) -> None:
    me = _as(handle, pool.token(f"Owner@{tenant}.test", tenant)).get("/me")
    assert me.status_code == 200, me.text
    assert me.json()["tenant_id"] == tenant
    assert me.json()["subject"] == f"owner@{tenant}.test"  # e-mail addresses compare in lower case
    assert me.json()["role"] == "owner" and me.json()["via"] == "cognito"
    assert "team:manage" in me.json()["permissions"]


def test_an_access_token_is_accepted_for_its_app_client(
    handle: PlatformHandle, pool: FakeUserPool, tenant: str
) -> None:
    access = pool.token(f"owner@{tenant}.test", tenant, token_use="access")
    assert _as(handle, access).get("/workflows").status_code == 200
    other_client = pool.token(f"owner@{tenant}.test", tenant, token_use="access", client_id="someone-else")
    assert_envelope(_as(handle, other_client).get("/workflows"), 401, "invalid_token")


def test_every_wrong_token_is_a_401_envelope(handle: PlatformHandle, pool: FakeUserPool, tenant: str) -> None:
    email = f"owner@{tenant}.test"
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cases = {
        "wrong issuer": (
            pool.token(email, tenant, iss="https://cognito-idp.us-east-1.amazonaws.com/other"),
            "invalid_token",
        ),
        "wrong audience": (pool.token(email, tenant, aud="another-client"), "invalid_token"),
        "expired": (pool.token(email, tenant, exp=int(time.time()) - 60), "token_expired"),
        "bad signature": (pool.token(email, tenant, key=stranger), "invalid_token"),
        "unknown kid": (pool.token(email, tenant, kid="not-a-key-of-the-pool"), "invalid_token"),
        "no tenant claim": (pool.token(email, None), "invalid_token"),
        "bad tenant claim": (pool.token(email, "Not A Tenant!"), "invalid_token"),
        "not an id or access token": (pool.token(email, tenant, token_use="refresh"), "invalid_token"),
        "truncated": (pool.token(email, tenant)[:-10], "invalid_token"),
    }
    for case, (token, code) in cases.items():
        response = _as(handle, token).get("/workflows")
        error = assert_envelope(response, 401, code)
        assert error["message"], case
    missing_tenant = assert_envelope(
        _as(handle, cases["no tenant claim"][0]).get("/me"), 401, "invalid_token"
    )
    assert missing_tenant["details"] == {"claim": "custom:tenant"}


def test_a_valid_token_of_someone_who_is_not_a_user_of_the_tenant_is_forbidden(
    handle: PlatformHandle, pool: FakeUserPool, tenant: str
) -> None:
    error = assert_envelope(
        _as(handle, pool.token(f"mallory@{tenant}.test", tenant)).get("/me"), 403, "not_a_member"
    )
    assert error["details"] == {"tenant": tenant, "user": f"mallory@{tenant}.test"}
    # The owner of one tenant naming another tenant in a token is not a user there either
    other = unique("cog")
    assert_envelope(_as(handle, pool.token(f"owner@{tenant}.test", other)).get("/me"), 403, "not_a_member")


def test_the_signing_keys_are_fetched_once_and_cached(
    handle: PlatformHandle, pool: FakeUserPool, tenant: str
) -> None:
    token = pool.token(f"owner@{tenant}.test", tenant)
    assert _as(handle, token).get("/me").status_code == 200
    fetched = pool.jwks_requests
    assert fetched >= 1
    for _ in range(5):
        assert _as(handle, pool.token(f"owner@{tenant}.test", tenant)).get("/me").status_code == 200
    assert pool.jwks_requests == fetched


def test_tokens_naming_unknown_keys_do_not_make_every_request_fetch_the_keys(
    handle: PlatformHandle, pool: FakeUserPool, tenant: str
) -> None:
    assert _as(handle, pool.token(f"owner@{tenant}.test", tenant)).get("/me").status_code == 200
    fetched = pool.jwks_requests
    for attempt in range(4):
        bogus = pool.token(f"owner@{tenant}.test", tenant, kid=f"bogus-{attempt}")
        assert_envelope(_as(handle, bogus).get("/me"), 401, "invalid_token")
    # A rotated pool's new key is looked up at most once per cooldown (PyJWKClient's), not per request
    assert pool.jwks_requests - fetched <= 1


def test_local_tokens_still_work_beside_cognito(
    handle: PlatformHandle, pool: FakeUserPool, tenant: str
) -> None:
    assert handle.client(tenant, "viewer").get("/me").json()["via"] == "token"


def test_local_tokens_are_refused_where_they_are_turned_off() -> None:
    settings = Settings(jwt_secret="one-secret-" * 4, local_tokens=False)
    token = issue_token(settings, tenant_id="acme", subject="ada", role="owner")
    with pytest.raises(ApiError) as refused:
        authenticate({"Authorization": f"Bearer {token}"}, settings)
    assert (refused.value.status, refused.value.code) == (401, "invalid_token")


def test_cognito_tokens_are_refused_when_no_user_pool_is_configured(pool: FakeUserPool) -> None:
    settings = Settings(jwt_secret="one-secret-" * 4)
    with pytest.raises(ApiError) as refused:
        authenticate({"Authorization": f"Bearer {pool.token('ada@acme.test', 'acme')}"}, settings)
    assert (refused.value.status, refused.value.code) == (401, "invalid_token")


def test_an_unreachable_key_set_is_a_503_not_a_401(pool: FakeUserPool) -> None:
    unreachable = FakeUserPool()
    issuer, client_id = unreachable.issuer, unreachable.client_id
    token = unreachable.token("ada@acme.test", "acme")
    unreachable.close()
    settings = Settings(jwt_secret="one-secret-" * 4, cognito_issuer=issuer, cognito_client_ids=(client_id,))
    with pytest.raises(ApiError) as failed:
        authenticate({"Authorization": f"Bearer {token}"}, settings)
    assert (failed.value.status, failed.value.code) == (503, "identity_provider_unavailable")
