"""Corpus fixtures: ASL definitions from the shared test data next to the repository.

The corpora live in ``../shared/data`` (relative to the repository root) and are used as they
are. Tests are parametrized over their files at collection time; when the folder is missing,
each corpus test fails with a sentence saying where the data was expected.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT.parent / "shared" / "data"
MISSING = "shared-data-missing"

# corpus name -> (folder under DATA_DIR, glob of definition files)
CORPORA: dict[str, tuple[str, str]] = {
    "real_world": ("asl-real-world", "*.asl.json"),
    "valid": ("asl-validity/valid", "*.json"),
    "invalid": ("asl-validity/invalid", "*.json"),
    "conformance": ("asl-conformance/cases", "*/definition.json"),
}


def corpus_files(corpus: str) -> list[Path]:
    """The definition files of one corpus, sorted; empty when the data folder is missing."""
    folder, pattern = CORPORA[corpus]
    return sorted((DATA_DIR / folder).glob(pattern))


def case_name(corpus: str, path: Path) -> str:
    """A stable id: the corpus and the file's path inside its folder."""
    folder, _ = CORPORA[corpus]
    return f"{corpus}:{path.relative_to(DATA_DIR / folder).as_posix()}"


def require_data() -> Path:
    """The shared data folder, or a clear failure saying where it should be."""
    if not DATA_DIR.is_dir():
        pytest.fail(
            f"Shared test data not found at {DATA_DIR}: the 'shared' folder must sit next to the "
            "repository checkout (shared/data/asl-*)."
        )
    return DATA_DIR


@pytest.fixture
def shared_data() -> Path:
    return require_data()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``<corpus>_definition`` arguments with (name, path) of every corpus file."""
    for corpus in CORPORA:
        argument = f"{corpus}_definition"
        if argument not in metafunc.fixturenames:
            continue
        files = corpus_files(corpus)
        params = [(case_name(corpus, f), f) for f in files] or [(MISSING, DATA_DIR)]
        metafunc.parametrize(argument, params, ids=[p[0] for p in params])
