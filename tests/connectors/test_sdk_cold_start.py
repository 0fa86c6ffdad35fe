"""Cold start stays lean: importing the handler and any connector loads no HTTP, AWS or X-Ray SDK."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("httpx", "boto3", "aws_xray_sdk", "click", "rich")

PROBE = f"""
import json, sys
import connectors.sdk.handler
from connectors.sdk.registry import all_connectors
connectors = [c.id for c in all_connectors()]
print(json.dumps({{"connectors": connectors, "loaded": [m for m in {HEAVY!r} if m in sys.modules]}}))
"""


def test_handler_and_connector_imports_defer_heavy_libraries() -> None:
    env = {**os.environ, "WFAIB_CONNECTOR": "slack"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=True
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert "slack" in report["connectors"]
    assert report["loaded"] == [], (
        "importing the connector handler or a connector package loaded "
        f"{report['loaded']}: import them inside the function that needs them (cold start), "
        "or use connectors.sdk.http_common for Retry-After parsing"
    )


TRACED = """
import json
import httpx
from aws_xray_sdk.core import patcher
from connectors.sdk.tracing import instrument_httpx
instrument_httpx(enabled=True)
client = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200, json={"ok": True})))
print(json.dumps({"patched": sorted(patcher._PATCHED_MODULES), "body": client.get("https://api.test/").json()}))
"""


def test_tracing_patches_httpx_for_xray_and_requests_still_work() -> None:
    env = {**os.environ, "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR", "AWS_XRAY_SDK_ENABLED": "true"}
    result = subprocess.run(
        [sys.executable, "-c", TRACED], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=True
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert "httpx" in report["patched"]
    assert report["body"] == {"ok": True}
