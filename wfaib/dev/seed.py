"""The demo tenant: an owner, a token, and every example workflow saved and published to dev.

Seeding goes through the API (in-process, via the gateway), so it exercises the same code as the
editor, and it is idempotent: a workflow that already exists is left as the user last saved it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from functions.shared import store

if TYPE_CHECKING:
    from wfaib.dev.platform import LocalPlatform

__all__ = ["seed_demo"]


def seed_demo(platform: LocalPlatform, *, load_examples: bool = True) -> str:
    """Create the demo tenant (if needed), load the examples; the demo owner's token."""
    from wfaib.dev.platform import DEMO_TENANT, DEMO_USER

    store.put_tenant(DEMO_TENANT, "Demo")
    store.put_user(DEMO_TENANT, DEMO_USER, DEMO_USER, "owner")
    token = platform.token(DEMO_TENANT, DEMO_USER, "owner")
    if load_examples:
        platform.seeded = [
            _seed_example(platform, token, path.stem) for path in sorted(platform.examples_dir.glob("*.json"))
        ]
    return token


def _seed_example(platform: LocalPlatform, token: str, name: str) -> dict[str, Any]:
    document = json.loads((platform.examples_dir / f"{name}.json").read_text())
    workflow_id = str(document.get("id", name))
    status, payload = platform.invoke("GET", f"/workflows/{workflow_id}", token)
    if status == 200 and "dev" in json.loads(payload)["environments"]:
        return {"workflow": workflow_id, "status": "kept", "detail": "already saved and published"}
    if status == 404:
        status, payload = platform.invoke("POST", "/workflows", token, json.dumps(document).encode())
        if status != 201:
            return {"workflow": workflow_id, "status": "invalid", "detail": _message(payload)}
    status, payload = platform.invoke(
        "POST", f"/workflows/{workflow_id}/publish", token, json.dumps({"environment": "dev"}).encode()
    )
    if status != 200:
        return {"workflow": workflow_id, "status": "not published", "detail": _message(payload)}
    return {
        "workflow": workflow_id,
        "status": "published",
        "detail": f"version {json.loads(payload)['version']}",
    }


def _message(payload: bytes) -> str:
    try:
        return str(json.loads(payload)["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return payload.decode(errors="replace")[:200]
