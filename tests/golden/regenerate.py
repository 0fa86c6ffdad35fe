"""``make golden``: rewrite every ``expected.asl.json`` from the current compiler; review the diff."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from golden_cases import CASES_DIR, case_names, compile_case

from state_machines.model import Workflow

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "workflow.schema.json"


def main() -> None:
    for name in case_names():
        (CASES_DIR / name / "expected.asl.json").write_text(compile_case(name).asl, encoding="utf-8")
        print(f"wrote {name}/expected.asl.json")
    schema = json.dumps(Workflow.model_json_schema(by_alias=True), indent=2, sort_keys=True) + "\n"
    SCHEMA_FILE.write_text(schema, encoding="utf-8")
    print(f"wrote {SCHEMA_FILE.name}")


if __name__ == "__main__":
    main()
