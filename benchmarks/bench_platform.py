"""Figures for the local platform: webhook → run started, a bounded load, and handler cold imports.

The platform (``wfaib dev``'s ``LocalPlatform``) runs in this process on a free loopback port with
a temporary data directory, as the integration tests start it. The load comes from a second
process (spawned, so it shares neither the interpreter lock nor any state with the platform), is
bounded in request count and in time, and stops by itself.

- ``webhook.*``: sequential signed deliveries of the order-routing example; ``accepted`` is send →
  ``202``, ``run_visible`` is send → ``GET /runs/{id}`` showing the run started (ms, p50/p95).
- ``load.*``: concurrent deliveries, each with its own ``Idempotency-Key``, under the default
  per-tenant quota: accepted per second, status codes, latency. ``lost`` counts accepted
  deliveries whose run is not in the run listing afterwards; it must be 0.
- ``backpressure.*``: the same against a tenant whose quota is smaller than the burst: the rest
  are refused with ``429``, each of which must carry ``Retry-After``; still nothing accepted is lost.
- ``cold_import.*``: importing each Lambda handler in a fresh interpreter, minus a bare start.
- ``first_request.*``: a fresh interpreter imports a handler and serves one request against the
  running platform (the API: an authenticated ``GET /workflows``; the triggers: a signed webhook
  delivery): the import, the first request, and both together. What an import defers to the
  first request shows up here, so moving cost there is not counted as a saving.
"""

from __future__ import annotations

import json
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

__all__ = ["run"]

REPO_ROOT = Path(__file__).resolve().parents[1]
SEQUENTIAL_DELIVERIES = 300
LOAD_REQUESTS = 400
LOAD_CLIENTS = 8
LOAD_SECONDS = 45.0
BACKPRESSURE_QUOTA = 60  # runs per minute: the backpressure phase sends more than that at once
BACKPRESSURE_REQUESTS = 200
STARTED = {"RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}
HANDLERS = {"api": "functions.api.handler", "triggers": "functions.triggers.handler"}


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2), "p95_ms": round(p95 * 1000, 2)}


def _signed(secret: str, payload: dict[str, Any], key: str | None = None) -> tuple[bytes, dict[str, str]]:
    """A Standard Webhooks delivery of ``payload`` signed with ``secret``."""
    from functions.shared.signatures import sign

    body = json.dumps(payload).encode()
    message_id = f"msg_{uuid.uuid4().hex}"
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
    }
    if key is not None:
        headers["Idempotency-Key"] = key
    return body, headers


def _load(url: str, secret: str, total: int, clients: int, seconds: float) -> dict[str, Any]:
    """Runs in the load process: ``clients`` threads share ``total`` deliveries, for ``seconds`` at most.

    The elapsed time is measured here, so the load process's own start is not counted.
    """
    _signed(secret, {})  # import the signing code before the clock starts
    deadline = time.monotonic() + seconds
    counter = iter(range(total))
    lock = threading.Lock()
    results: list[dict[str, Any]] = []

    def client() -> None:
        with httpx.Client(timeout=30) as http:
            while time.monotonic() < deadline:
                with lock:
                    index = next(counter, None)
                if index is None:
                    return
                body, headers = _signed(secret, {"id": f"load-{index}", "total": index}, f"load-{index}")
                started = time.perf_counter()
                try:
                    response = http.post(url, content=body, headers=headers)
                except httpx.HTTPError as exc:
                    results.append({"status": type(exc).__name__, "seconds": time.perf_counter() - started})
                    continue
                answer = response.json() if response.headers.get("content-type") == "application/json" else {}
                results.append(
                    {
                        "status": response.status_code,
                        "seconds": time.perf_counter() - started,
                        "run_id": answer.get("run_id"),
                        "retry_after": response.headers.get("Retry-After"),
                    }
                )

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"seconds": time.perf_counter() - started, "results": results}


def _listed_run_ids(api: httpx.Client, workflow_id: str) -> set[str]:
    run_ids: set[str] = set()
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"workflow_id": workflow_id, "limit": 200}
        if cursor:
            params["cursor"] = cursor
        page = api.get("/runs", params=params)
        page.raise_for_status()
        run_ids.update(item["id"] for item in page.json()["items"])
        cursor = page.json().get("next_cursor")
        if not cursor:
            return run_ids


def _webhook_workflow(api: httpx.Client, workflow_id: str) -> tuple[str, str]:
    """Create and publish the order-routing example under ``workflow_id``; its dev URL path and secret."""
    document = json.loads((REPO_ROOT / "examples" / "order-routing.json").read_text())
    document["id"] = document["trigger"]["path"] = workflow_id
    api.post("/workflows", json=document).raise_for_status()
    api.post(f"/workflows/{workflow_id}/publish", json={"environment": "dev"}).raise_for_status()
    hook = api.get(f"/workflows/{workflow_id}/webhook").json()
    return str(hook["urls"]["dev"]), str(hook["secret"])


def _sequential(api: httpx.Client, hook_url: str, secret: str) -> dict[str, Any]:
    accepted: list[float] = []
    visible: list[float] = []
    with httpx.Client(timeout=30) as http:
        for index in range(SEQUENTIAL_DELIVERIES):
            body, headers = _signed(secret, {"id": f"seq-{index}", "total": index})
            started = time.perf_counter()
            response = http.post(hook_url, content=body, headers=headers)
            accepted.append(time.perf_counter() - started)
            response.raise_for_status()
            run_id = response.json()["run_id"]
            while api.get(f"/runs/{run_id}").json().get("status") not in STARTED:
                pass  # the platform answers 202 after recording the run: one read shows it
            visible.append(time.perf_counter() - started)
    return {
        "deliveries": SEQUENTIAL_DELIVERIES,
        "accepted": _percentiles(accepted),
        "run_visible": _percentiles(visible),
    }


def _bounded_load(
    api: httpx.Client, workflow_id: str, hook_url: str, secret: str, requests: int
) -> dict[str, Any]:
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(1) as pool:
        outcome = pool.apply(_load, (hook_url, secret, requests, LOAD_CLIENTS, LOAD_SECONDS))
    results, elapsed = outcome["results"], float(outcome["seconds"])
    statuses = Counter(str(result["status"]) for result in results)
    accepted = [result for result in results if isinstance(result["status"], int) and result["status"] < 300]
    refused = [result for result in results if result["status"] == 429]
    listed = _listed_run_ids(api, workflow_id)
    accepted_ids = [str(result["run_id"]) for result in accepted]
    return {
        "requests": len(results),
        "clients": LOAD_CLIENTS,
        "seconds": round(elapsed, 2),
        "accepted_per_second": round(len(accepted) / elapsed, 1),
        "status_codes": dict(sorted(statuses.items())),
        "429_without_retry_after": sum(1 for result in refused if not result["retry_after"]),
        "accepted_latency": _percentiles([result["seconds"] for result in accepted]) if accepted else {},
        "duplicate_run_ids": len(accepted_ids) - len(set(accepted_ids)),
        "lost": len(set(accepted_ids) - listed),
    }


def _subprocess_seconds(statement: str) -> tuple[float, float]:
    """Wall and CPU seconds of ``statement`` in a fresh interpreter (CPU swells less on a busy machine)."""
    timer = (
        "import time; t, c = time.perf_counter(), time.process_time(); {}; "
        "print(time.perf_counter() - t, time.process_time() - c)"
    )
    output = subprocess.run(
        [sys.executable, "-c", timer.format(statement)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    wall, cpu = output.split()
    return float(wall), float(cpu)


def _process_seconds(arguments: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, *arguments], cwd=REPO_ROOT, check=True)
    return time.perf_counter() - started


def cold_imports(repeat: int = 9) -> dict[str, float]:
    """Importing each handler in a fresh interpreter (ms): median and minimum of ``repeat`` runs.

    The minimum is the steadier figure on a busy machine (noise only ever adds time). The whole
    process above a bare one (``python -c pass``) includes the interpreter's teardown too.
    """
    figures: dict[str, float] = {}
    bare = [_process_seconds(["-c", "pass"]) for _ in range(repeat)]
    figures["cold_import.bare_interpreter_ms"] = round(statistics.median(bare) * 1000, 1)
    for name, module in HANDLERS.items():
        samples = [_subprocess_seconds(f"import {module}") for _ in range(repeat)]
        process = [_process_seconds(["-c", f"import {module}"]) for _ in range(repeat)]
        walls = [wall for wall, _ in samples]
        figures[f"cold_import.{name}_import_ms"] = round(statistics.median(walls) * 1000, 1)
        figures[f"cold_import.{name}_import_min_ms"] = round(min(walls) * 1000, 1)
        figures[f"cold_import.{name}_import_cpu_ms"] = round(
            statistics.median(c for _, c in samples) * 1000, 1
        )
        figures[f"cold_import.{name}_above_bare_min_ms"] = round((min(process) - min(bare)) * 1000, 1)
    return figures


_FIRST_REQUEST = """
import json, sys, time
event = json.loads(sys.stdin.read())
started = time.perf_counter()
handler = __import__(sys.argv[1], fromlist=["lambda_handler"])
imported = time.perf_counter()

class Context:
    function_name, function_version, memory_limit_in_mb = "bench", "$LATEST", 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    aws_request_id, log_group_name, log_stream_name = "bench", "bench", "bench"
    def get_remaining_time_in_millis(self): return 30000

response = handler.lambda_handler(event, Context())
answered = time.perf_counter()
print(json.dumps({"status": response["statusCode"], "import": imported - started, "request": answered - imported}))
"""


def _platform_environment(settings: Any) -> dict[str, str]:
    """The ``WFAIB_*`` variables a Lambda of this platform would be given (``settings_from_env``)."""
    environment = {}
    for name, value in settings.model_dump().items():
        if value is None:
            continue
        text = value.get_secret_value() if hasattr(value, "get_secret_value") else value
        environment[f"WFAIB_{name.upper()}"] = (
            json.dumps(text) if isinstance(text, tuple | list | dict) else str(text)
        )
    return environment


def first_requests(
    platform: Any, events: dict[str, Callable[[], dict[str, Any]]], repeat: int = 5
) -> dict[str, float]:
    """Import then one request, in fresh interpreters (ms, minimum and median of ``repeat``)."""
    import os

    environment = {**os.environ, **_platform_environment(platform.settings)}
    environment.pop("AWS_PROFILE", None)
    figures: dict[str, float] = {}
    for name, event in events.items():
        samples = []
        for _ in range(repeat):
            process = subprocess.run(
                [sys.executable, "-c", _FIRST_REQUEST, HANDLERS[name]],
                cwd=REPO_ROOT,
                input=json.dumps(event()),
                capture_output=True,
                text=True,
                check=False,
                env=environment,
            )
            if process.returncode != 0:
                raise RuntimeError(f"first request of {name} failed:\n{process.stderr[-2000:]}")
            sample = json.loads(process.stdout.strip().splitlines()[-1])
            if sample["status"] >= 300:
                raise RuntimeError(f"first request of {name} answered {sample['status']}")
            samples.append(sample)
        for part in ("import", "request"):
            values = [sample[part] for sample in samples]
            figures[f"first_request.{name}_{part}_min_ms"] = round(min(values) * 1000, 1)
            figures[f"first_request.{name}_{part}_ms"] = round(statistics.median(values) * 1000, 1)
        total = [sample["import"] + sample["request"] for sample in samples]
        figures[f"first_request.{name}_import_plus_request_min_ms"] = round(min(total) * 1000, 1)
    return figures


def _first_request_events(
    platform: Any, token: str, hook_url: str, secret: str
) -> dict[str, Callable[[], dict[str, Any]]]:
    """Makers of the first requests (a new delivery each time, so none is a replay)."""
    from wfaib.dev.gateway import proxy_event

    def delivery() -> dict[str, Any]:
        body, headers = _signed(secret, {"id": "first", "total": 1})
        return proxy_event("POST", hook_url.removeprefix(platform.url), {**headers, "Host": "bench"}, body)

    def listing() -> dict[str, Any]:
        return proxy_event(
            "GET", "/api/workflows", {"Authorization": f"Bearer {token}", "Host": "bench"}, b""
        )

    return {"api": listing, "triggers": delivery}


def run() -> dict[str, Any]:
    """Measure and return the figures (``make bench`` prints them)."""
    from state_machines.runtime import VirtualClock
    from wfaib.dev import LocalPlatform

    figures: dict[str, Any] = cold_imports()
    with tempfile.TemporaryDirectory(prefix="wfaib-bench-") as data_dir:
        platform = LocalPlatform(
            Path(data_dir),
            port=0,
            clock=VirtualClock(auto_advance=True),
            seed_examples=False,
            run_scheduler=False,
        ).start()
        try:
            base = platform.api_url
            phases = (("bench-seq", "webhook"), ("bench-load", "load"), ("bench-full", "backpressure"))
            for tenant, phase in phases:
                token = platform.token(tenant, f"owner@{tenant}.test", "owner")
                with httpx.Client(
                    base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
                ) as api:
                    workflow_id = f"orders-{phase}"
                    hook_path, secret = _webhook_workflow(api, workflow_id)
                    if phase == "webhook":
                        # Room for every sequential start: this phase measures latency, not the quota.
                        api.put("/quotas", json={"runs_per_minute": 1_000_000}).raise_for_status()
                        figures[phase] = _sequential(api, base + hook_path, secret)
                        figures.update(
                            first_requests(
                                platform, _first_request_events(platform, token, base + hook_path, secret)
                            )
                        )
                    elif phase == "load":
                        figures[phase] = _bounded_load(
                            api, workflow_id, base + hook_path, secret, LOAD_REQUESTS
                        )
                    else:
                        api.put("/quotas", json={"runs_per_minute": BACKPRESSURE_QUOTA}).raise_for_status()
                        figures[phase] = _bounded_load(
                            api, workflow_id, base + hook_path, secret, BACKPRESSURE_REQUESTS
                        )
        finally:
            platform.stop()
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
