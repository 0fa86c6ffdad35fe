"""Run the local platform in its own process for the browser tests.

The platform configures process-wide state (the API's settings, the table binding), so a second
platform in the same pytest worker (the integration tests start one) would take over the first.
Started as ``python -m e2e.platform_process DATA_DIR STATIC_ROOT``: prints one JSON line with the
addresses and the demo token, then serves until its standard input closes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from state_machines.runtime import VirtualClock
from wfaib.dev import LocalPlatform


def main(data_dir: str, static_root: str) -> None:
    platform = LocalPlatform(
        Path(data_dir), port=0, clock=VirtualClock(auto_advance=True), static_root=Path(static_root)
    ).start()
    try:
        print(
            json.dumps({"url": platform.url, "api_url": platform.api_url, "token": platform.demo_token}),
            flush=True,
        )
        sys.stdin.read()
    finally:
        platform.stop()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
