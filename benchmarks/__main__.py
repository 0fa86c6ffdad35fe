"""``python -m benchmarks`` (``make bench``): run every benchmark and print its figures as JSON."""

from __future__ import annotations

import json
import platform
import sys
import time

from benchmarks import bench_connectors, bench_core, bench_editor, bench_platform, bench_sandbox

SUITES = {
    "core": bench_core.run,
    "connectors": bench_connectors.run,
    "sandbox": bench_sandbox.run,
    "editor": bench_editor.run,
    "platform": bench_platform.run,
}


def main() -> None:
    selected = sys.argv[1:] or list(SUITES)
    print(
        f"# {platform.python_implementation()} {platform.python_version()} on {platform.machine()}",
        flush=True,
    )
    for name in selected:
        started = time.perf_counter()
        figures = SUITES[name]()
        print(
            json.dumps({name: figures, "seconds": round(time.perf_counter() - started, 1)}, indent=2),
            flush=True,
        )


if __name__ == "__main__":
    main()
