"""What `factcheck review` imports before its first paint: nothing it does not need (each module is
start-up time seen from the terminal; the time itself is measured in bench/bench_tui.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

NOT_AT_START = ("numpy", "pandas", "factcheck.extraction", "factcheck.ingest", "factcheck.pipeline")


def imported_by(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"import sys\n{code}\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return set(out.split())


def test_the_review_screen_starts_without_numpy() -> None:
    loaded = imported_by("import factcheck.cli, factcheck.tui.app")
    assert "sqlite_utils" in loaded and "textual.app" in loaded
    assert not loaded & set(NOT_AT_START)


def test_the_store_still_works_when_numpy_was_imported_first() -> None:
    pytest.importorskip("numpy")
    code = (
        "import numpy, tempfile, pathlib\n"
        "from factcheck.storage import Store\n"
        "with Store(pathlib.Path(tempfile.mkdtemp()) / 'q.db') as s: assert s.status_counts() == {}"
    )
    assert "numpy" in imported_by(code)
