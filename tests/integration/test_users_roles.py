"""Users, custom roles and scoped API keys over HTTP, signed in with Cognito tokens as in AWS.

Each test makes its own tenant and bootstraps its owner the way docs/deploy.md describes (a user
record with the owner role); everyone else is invited through the API.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from functions.shared import store
from integration.cognito import FakeUserPool, trusting
from integration.helpers import Api, PlatformHandle, assert_envelope, example, unique


@pytest.fixture(scope="module")
def pool(handle: PlatformHandle) -> Iterator[FakeUserPool]:
    user_pool = FakeUserPool()
    with trusting(user_pool):
        yield user_pool
    user_pool.close()


class Team:
    """One tenant and its people, each with a Cognito ID token."""

    def __init__(self, handle: PlatformHandle, pool: FakeUserPool) -> None:
        self.handle = handle
        self.pool = pool
        self.tenant = unique("team")
        store.put_tenant(self.tenant, self.tenant)
        store.put_user(self.tenant, self.email("owner"), self.email("owner"), "owner")
        self.owner = self.user("owner")

    def email(self, name: str) -> str:
        return f"{name}@{self.tenant}.test"

    def user(self, name: str) -> Api:
        token = self.pool.token(self.email(name), self.tenant)
        return Api(self.handle.platform.api_url, {"Authorization": f"Bearer {token}"})

    def invite(self, name: str, role: str, by: Api | None = None) -> Api:
        response = (by or self.owner).post("/users", json={"email": self.email(name), "role": role})
        assert response.status_code == 201, response.text
        return self.user(name)


@pytest.fixture
def team(handle: PlatformHandle, pool: FakeUserPool) -> Team:
    return Team(handle, pool)


def _audit_actions(api: Api) -> list[str]:
    return [entry["action"] for entry in api.get("/audit", params={"limit": 200}).json()["items"]]


def test_a_role_change_or_removal_takes_effect_on_the_next_request(team: Team) -> None:
    bob = team.invite("bob", "viewer")
    assert bob.get("/workflows").status_code == 200
    assert_envelope(bob.post("/workflows", json=example("hello-world", unique("b"))), 403, "forbidden")

    changed = team.owner.put(f"/users/{team.email('bob')}", json={"role": "member"})
    assert changed.status_code == 200 and changed.json()["role"] == "member", changed.text
    bob.create(example("hello-world", unique("b")))  # the same token, now a member

    assert team.owner.delete(f"/users/{team.email('bob')}").status_code == 204
    assert_envelope(bob.get("/workflows"), 403, "not_a_member")
    users = {user["email"]: user["role"] for user in team.owner.get("/users").json()}
    assert users == {team.email("owner"): "owner"}
    assert {"user.create", "user.role_change", "user.delete"} <= set(_audit_actions(team.owner))


def test_the_last_owner_can_be_neither_demoted_nor_removed(team: Team) -> None:
    owner = team.email("owner")
    assert_envelope(team.owner.put(f"/users/{owner}", json={"role": "admin"}), 409, "last_owner")
    assert_envelope(team.owner.delete(f"/users/{owner}"), 409, "last_owner")

    second = team.invite("second", "owner")
    assert team.owner.put(f"/users/{owner}", json={"role": "admin"}).status_code == 200
    # Now "second" is the last owner: the (former) owner, an admin, cannot touch them
    assert_envelope(
        team.owner.put(f"/users/{team.email('second')}", json={"role": "member"}), 403, "role_too_high"
    )
    assert_envelope(second.delete(f"/users/{team.email('second')}"), 409, "last_owner")
    assert_envelope(second.put(f"/users/{team.email('second')}", json={"role": "viewer"}), 409, "last_owner")
    roles = {user["email"]: user["role"] for user in second.get("/users").json()}
    assert roles == {owner: "admin", team.email("second"): "owner"}


def test_an_admin_cannot_grant_more_than_it_holds(team: Team) -> None:
    admin = team.invite("ada", "admin")
    error = assert_envelope(
        admin.post("/users", json={"email": team.email("eve"), "role": "owner"}), 403, "role_too_high"
    )
    assert error["details"]["permissions"] == ["tenant:manage"]
    assert_envelope(admin.post("/api-keys", json={"name": "k", "role": "owner"}), 403, "role_too_high")
    assert_envelope(admin.delete(f"/users/{team.email('owner')}"), 403, "role_too_high")
    member = team.invite("mo", "member")
    assert_envelope(member.get("/users"), 403, "forbidden")
    assert_envelope(member.post("/roles", json={"name": "x", "permissions": ["run:read"]}), 403, "forbidden")


def test_a_custom_role_limits_a_user_exactly(team: Team) -> None:
    workflow_id = unique("limited")
    team.owner.create(example("hello-world", workflow_id))
    team.owner.publish(workflow_id)
    created = team.owner.post(
        "/roles",
        json={
            "name": "runner",
            "description": "Runs workflows",
            "permissions": ["workflow:read", "workflow:execute", "run:read"],
        },
    )
    assert created.status_code == 201, created.text
    assert created.json() == {
        "name": "runner",
        "builtin": False,
        "description": "Runs workflows",
        "permissions": ["run:read", "workflow:execute", "workflow:read"],
    }
    carol = team.invite("carol", "runner")
    me = carol.get("/me").json()
    assert (me["role"], me["permissions"]) == ("runner", ["run:read", "workflow:execute", "workflow:read"])

    # What the role grants works
    assert carol.get(f"/workflows/{workflow_id}").status_code == 200
    run_id = carol.start(workflow_id, {"name": "Carol"})["id"]
    assert carol.wait_finished(run_id)["status"] == "SUCCEEDED"
    assert carol.get("/runs").status_code == 200
    # and nothing else does, each refusal naming the permission it lacks
    refused = {
        "workflow:create": carol.post("/workflows", json=example("hello-world", unique("c"))),
        "workflow:update": carol.put(f"/workflows/{workflow_id}", json=example("hello-world", workflow_id)),
        "workflow:delete": carol.delete(f"/workflows/{workflow_id}"),
        "run:replay": carol.post(f"/runs/{run_id}/rerun"),
        "credential:read": carol.get("/credentials"),
        "audit:read": carol.get("/audit"),
        "team:manage": carol.get("/users"),
    }
    for permission, response in refused.items():
        error = assert_envelope(response, 403, "forbidden")
        assert error["details"] == {"permission": permission, "role": "runner"}

    # Changing the role changes what its holders may do, on their next request
    updated = team.owner.put("/roles/runner", json={"permissions": ["workflow:*", "run:read"]})
    assert updated.status_code == 200, updated.text
    assert "workflow:create" in updated.json()["permissions"]
    carol.create(example("hello-world", unique("c")))

    # A role still held cannot be deleted; once nobody holds it, it can
    in_use = assert_envelope(team.owner.delete("/roles/runner"), 409, "role_in_use")
    assert in_use["details"]["users"] == [team.email("carol")]
    assert team.owner.put(f"/users/{team.email('carol')}", json={"role": "viewer"}).status_code == 200
    assert team.owner.delete("/roles/runner").status_code == 204
    assert_envelope(team.owner.get("/roles/runner"), 404, "not_found")
    assert {"role.create", "role.update", "role.delete"} <= set(_audit_actions(team.owner))


def test_custom_role_validation_names_the_field(team: Team) -> None:
    bad_permission = assert_envelope(
        team.owner.post("/roles", json={"name": "odd", "permissions": ["workflow:read", "workflow:fly"]}),
        422,
        "invalid_request",
    )
    assert bad_permission["details"]["errors"][0]["loc"][-1] == "permissions"
    assert "workflow:fly" in bad_permission["details"]["errors"][0]["message"]
    builtin = assert_envelope(
        team.owner.post("/roles", json={"name": "admin", "permissions": ["run:read"]}), 422
    )
    assert builtin["details"]["errors"][0]["loc"][-1] == "name"
    owner_only = assert_envelope(
        team.owner.post("/roles", json={"name": "boss", "permissions": ["tenant:manage"]}),
        422,
        "invalid_request",
    )
    assert owner_only["details"]["errors"][0]["loc"][-1] == "permissions"
    unknown = assert_envelope(
        team.owner.post("/users", json={"email": team.email("x"), "role": "ghost"}), 422, "unknown_role"
    )
    assert unknown["details"]["field"] == "role"
    email = assert_envelope(team.owner.post("/users", json={"email": "not-an-email", "role": "viewer"}), 422)
    assert email["details"]["errors"][0]["loc"][-1] == "email"
    assert_envelope(team.owner.put("/roles/admin", json={"permissions": ["run:read"]}), 403, "builtin_role")
    assert team.owner.post("/roles", json={"name": "dup", "permissions": ["run:read"]}).status_code == 201
    assert_envelope(
        team.owner.post("/roles", json={"name": "dup", "permissions": ["run:read"]}), 409, "already_exists"
    )


def test_a_team_manager_without_a_permission_cannot_hand_it_out(team: Team) -> None:
    team.owner.post("/roles", json={"name": "people", "permissions": ["team:manage", "workflow:read"]})
    manager = team.invite("pat", "people")
    for response in (
        manager.post("/roles", json={"name": "auditor", "permissions": ["audit:read"]}),
        manager.post("/users", json={"email": team.email("q"), "role": "member"}),
        manager.post("/api-keys", json={"name": "k", "role": "viewer"}),  # viewers also read runs
    ):
        assert_envelope(response, 403, "role_too_high")
    assert manager.post("/users", json={"email": team.email("r"), "role": "people"}).status_code == 201


def test_a_scoped_key_cannot_exceed_its_scope(team: Team) -> None:
    workflow_id = unique("scoped")
    team.owner.create(example("hello-world", workflow_id))
    team.owner.publish(workflow_id)
    created = team.owner.post(
        "/api-keys", json={"name": "reader", "role": "member", "permissions": ["workflow:read", "run:read"]}
    )
    assert created.status_code == 201, created.text
    assert created.json()["permissions"] == ["run:read", "workflow:read"]
    key = Api(team.handle.platform.api_url, {"X-Api-Key": created.json()["key"]})
    assert key.get("/me").json()["permissions"] == ["run:read", "workflow:read"]
    assert key.get(f"/workflows/{workflow_id}").status_code == 200
    assert key.get("/runs").status_code == 200
    for response in (
        key.post(f"/workflows/{workflow_id}/runs", json={"input": {}}),
        key.post("/workflows", json=example("hello-world", unique("k"))),
        key.get("/credentials"),
    ):
        assert_envelope(response, 403, "forbidden")

    outside = assert_envelope(
        team.owner.post(
            "/api-keys", json={"name": "x", "role": "viewer", "permissions": ["workflow:create"]}
        ),
        422,
        "scope_outside_role",
    )
    assert outside["details"] == {"field": "permissions", "permissions": ["workflow:create"]}
    listed = {item["id"]: item for item in team.owner.get("/api-keys").json()}
    assert listed[created.json()["id"]]["permissions"] == ["run:read", "workflow:read"]


def test_a_key_with_a_custom_role_follows_the_role(team: Team) -> None:
    team.owner.post("/roles", json={"name": "ci", "permissions": ["workflow:read"]})
    created = team.owner.post("/api-keys", json={"name": "ci", "role": "ci"})
    assert created.status_code == 201, created.text
    key = Api(team.handle.platform.api_url, {"X-Api-Key": created.json()["key"]})
    assert_envelope(key.post("/workflows", json=example("hello-world", unique("k"))), 403, "forbidden")
    team.owner.put("/roles/ci", json={"permissions": ["workflow:read", "workflow:create"]})
    key.create(example("hello-world", unique("k")))
    assert_envelope(team.owner.delete("/roles/ci"), 409, "role_in_use")


def test_two_tenants_keep_their_users_and_roles_apart(handle: PlatformHandle, pool: FakeUserPool) -> None:
    acme, globex = Team(handle, pool), Team(handle, pool)
    acme.owner.post("/roles", json={"name": "acme-only", "permissions": ["workflow:read"]})
    acme.invite("dana", "acme-only")

    assert [role["name"] for role in globex.owner.get("/roles").json() if not role["builtin"]] == []
    assert_envelope(globex.owner.get("/roles/acme-only"), 404, "not_found")
    assert_envelope(
        globex.owner.post("/users", json={"email": "x@y.test", "role": "acme-only"}), 422, "unknown_role"
    )
    assert [user["email"] for user in globex.owner.get("/users").json()] == [globex.email("owner")]
    assert_envelope(
        globex.owner.put(f"/users/{acme.email('dana')}", json={"role": "viewer"}), 404, "not_found"
    )
    assert_envelope(globex.owner.delete(f"/users/{acme.email('dana')}"), 404, "not_found")
    assert_envelope(globex.owner.delete("/roles/acme-only"), 404, "not_found")
    # Dana's token names acme; the same person naming globex is nobody there
    dana_at_globex = pool.token(acme.email("dana"), globex.tenant)
    assert_envelope(
        Api(handle.platform.api_url, {"Authorization": f"Bearer {dana_at_globex}"}).get("/me"),
        403,
        "not_a_member",
    )
    assert acme.user("dana").get("/me").json()["role"] == "acme-only"
