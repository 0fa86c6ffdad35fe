"""The local platform for the sign-in browser test, trusting one fake Cognito issuer and app client.

Like ``e2e.platform_process`` (its own process, one JSON line out, serves until standard input
closes), and then the API's settings gain the issuer and the client, as ``WFAIB_USER_POOL_ID``
and the client parameter give them in AWS. Started as
``python -m e2e.signin_platform DATA_DIR STATIC_ROOT ISSUER CLIENT_ID``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from functions.api import context
from state_machines.runtime import VirtualClock
from wfaib.dev import LocalPlatform


def main(data_dir: str, static_root: str, issuer: str, client_id: str) -> None:
    platform = LocalPlatform(
        Path(data_dir), port=0, clock=VirtualClock(auto_advance=True), static_root=Path(static_root)
    ).start()
    try:
        context.configure(
            context.current_settings().model_copy(
                update={"cognito_issuer": issuer, "cognito_client_ids": (client_id,)}
            )
        )
        print(json.dumps({"url": platform.url}), flush=True)
        sys.stdin.read()
    finally:
        platform.stop()


if __name__ == "__main__":
    main(*sys.argv[1:5])
