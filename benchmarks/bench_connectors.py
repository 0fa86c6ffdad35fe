"""Figures for connector functions: handler import (cold start) and per-action overhead.

- ``connector_handler_import_ms``: ``import connectors.sdk.handler`` with ``WFAIB_CONNECTOR=slack``,
  timed inside a fresh interpreter (so: imports above a bare interpreter start). Median of 5.
- ``connector_handler_import_cpu_ms``: the same in CPU time (steadier on a shared machine).
- ``connector_handler_import_wall_ms``: the same as the difference of two process wall times
  (``python -c "import ..."`` minus ``python -c pass``), a cross-check including interpreter work.
- ``connector_first_invoke_ms``: the first invocation after import of the ``http`` connector
  (lazy httpx import, model builds, client build, one loopback request), fresh interpreter.
- ``connector_overhead_us``: SDK overhead per action, in-process and warm: ``runtime.handle``
  of an action that does no I/O, minus calling its function directly (event and input validation,
  context, output dump, claim-check size check, EMF metrics). Median of 2,000.
- ``connector_http_overhead_us``: ``ctx.http`` per request over a raw ``httpx.Client`` on the
  same in-memory transport (auth, retry wrapper, error mapping). Median of 1,000.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["run"]

REPO_ROOT = Path(__file__).resolve().parents[1]

_COLD = """
import http.server, json, threading, time
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'{"ok": true}'
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *args): pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=server.serve_forever, daemon=True).start()
t0, c0 = time.perf_counter(), time.process_time()
import connectors.sdk.handler as h
t1, c1 = time.perf_counter(), time.process_time()
class Ctx:
    function_name = "bench"; function_version = "1"; memory_limit_in_mb = 256; aws_request_id = "r"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    log_group_name = "g"; log_stream_name = "s"
event = {"action": "http.get_json", "version": 1, "params": {"url": "http://127.0.0.1:%d/x" % server.server_port},
         "credential": None, "idempotency_key": "e/n", "execution_id": "e", "node_id": "n"}
t2 = time.perf_counter()
assert h.handler(event, Ctx())["body"] == {"ok": True}
t3 = time.perf_counter()
server.shutdown()
print(json.dumps({"import": t1 - t0, "import_cpu": c1 - c0, "first": t3 - t2}))
"""


_IMPORT = """
import json, time
t0, c0 = time.perf_counter(), time.process_time()
import connectors.sdk.handler
print(json.dumps({"import": time.perf_counter() - t0, "import_cpu": time.process_time() - c0}))
"""


def _fresh(code: str, connector: str) -> str:
    env = {**os.environ, "WFAIB_CONNECTOR": connector, "POWERTOOLS_METRICS_NAMESPACE": "bench"}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout


def _wall(code: str, connector: str) -> float:
    started = time.perf_counter()
    _fresh(code, connector)
    return time.perf_counter() - started


def _cold(repeat: int = 5) -> dict[str, float]:
    slack = [json.loads(_fresh(_IMPORT, "slack")) for _ in range(repeat)]
    http = [json.loads(_fresh(_COLD, "http").strip().splitlines()[-1]) for _ in range(repeat)]
    bare = statistics.median(_wall("pass", "slack") for _ in range(repeat))
    imported = statistics.median(_wall("import connectors.sdk.handler", "slack") for _ in range(repeat))
    return {
        "connector_handler_import_ms": round(statistics.median(r["import"] for r in slack) * 1000, 1),
        "connector_handler_import_cpu_ms": round(statistics.median(r["import_cpu"] for r in slack) * 1000, 1),
        "connector_handler_import_wall_ms": round((imported - bare) * 1000, 1),
        "connector_first_invoke_ms": round(statistics.median(r["first"] for r in http) * 1000, 1),
    }


def _warm_overhead() -> dict[str, float]:
    import httpx

    from connectors.sdk import ActionContext, ActionInput, ActionOutput, Connector
    from connectors.sdk.context import Services
    from connectors.sdk.runtime import ConnectorRuntime

    bench = Connector("bench", "Bench", version="1")

    class In(ActionInput):
        channel: str
        text: str

    class Out(ActionOutput):
        channel: str
        ts: str

    @bench.action("noop", version=1, side_effect=True)
    def noop(params: In, ctx: ActionContext) -> Out:
        return Out(channel=params.channel, ts="1")

    @bench.action("call", version=1)
    def call(params: In, ctx: ActionContext) -> Out:
        return Out.model_validate(ctx.http.post("/chat.postMessage", json=params.model_dump()).json())

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"channel": "C1", "ts": "1"})

    transport = httpx.MockTransport(answer)
    runtime = ConnectorRuntime(bench, services=Services(transport=transport, base_url="https://bench.test"))
    event: dict[str, Any] = {
        "action": "bench.noop",
        "version": 1,
        "params": {"channel": "C1", "text": "hello"},
        "credential": None,
        "idempotency_key": "exec/node",
        "execution_id": "exec",
        "node_id": "node",
    }
    params = In(channel="C1", text="hello")

    def median_us(fn: Any, repeat: int) -> float:
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - started)
        return statistics.median(samples) * 1e6

    with contextlib.redirect_stdout(io.StringIO()):
        for _ in range(50):
            runtime.handle(event)
        handled = median_us(lambda: runtime.handle(event), 2000)
        direct = median_us(lambda: noop(params, None), 2000)  # type: ignore[arg-type]
        raw = httpx.Client(transport=transport, base_url="https://bench.test")
        raw_call = median_us(
            lambda: raw.post("/chat.postMessage", json={"channel": "C1", "text": "x"}).json(), 1000
        )
        call_event = {**event, "action": "bench.call"}
        via_sdk = median_us(lambda: runtime.handle(call_event), 1000)
    return {
        "connector_overhead_us": round(handled - direct, 1),
        "connector_http_overhead_us": round(via_sdk - raw_call - (handled - direct), 1),
    }


def run() -> dict[str, float]:
    """Every figure above, in one dict."""
    return {**_cold(), **_warm_overhead()}


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name:40s} {value}")
