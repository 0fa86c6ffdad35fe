"""``make golden``: rewrite every ``expected.asl.json`` from the current compiler; review the diff."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from golden import CASES_DIR, case_names, compile_case


def main() -> None:
    for name in case_names():
        (CASES_DIR / name / "expected.asl.json").write_text(compile_case(name).asl, encoding="utf-8")
        print(f"wrote {name}/expected.asl.json")


if __name__ == "__main__":
    main()
