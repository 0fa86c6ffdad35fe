"""Figures for the code.python sandbox: handler import time and per-run overhead (ms, medians)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from functions.code_sandbox import run_python

__all__ = ["run"]

REPO_ROOT = Path(__file__).resolve().parents[1]
TRIVIAL = "def main(input):\n    return input\n"
STDLIB = (
    "import datetime, json, re\n"
    "def main(input):\n"
    "    return {'n': len(re.findall(r'\\\\d', json.dumps(input))), 'y': datetime.date.today().year > 2000}\n"
)


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def _subprocess_seconds(code: str) -> tuple[float, float]:
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout
    wall, cpu = output.split()
    return float(wall), float(cpu)


def _call_seconds(code: str, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run_python(code, {"rows": [1, 2, 3]})
        samples.append(time.perf_counter() - started)
    return samples


def run() -> dict[str, float]:
    """Measure and return the figures (``make bench`` prints them)."""
    # CPU time too: wall-clock figures swell on a busy machine, CPU time much less.
    timer = (
        "import time; t, c = time.perf_counter(), time.process_time(); {}; "
        "print(time.perf_counter() - t, time.process_time() - c)"
    )
    handler = [_subprocess_seconds(timer.format("import functions.code_sandbox.handler")) for _ in range(5)]
    run_python(TRIVIAL, None)  # probe the isolation layer once, as a warm Lambda would have
    return {
        "code_sandbox.handler_import_ms": _median_ms([wall for wall, _ in handler]),
        "code_sandbox.handler_import_cpu_ms": _median_ms([cpu for _, cpu in handler]),
        "code_sandbox.trivial_run_ms": _median_ms(_call_seconds(TRIVIAL, 15)),
        "code_sandbox.stdlib_run_ms": _median_ms(_call_seconds(STDLIB, 15)),
    }


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
