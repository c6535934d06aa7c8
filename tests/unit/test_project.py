"""The project's promises about itself: the core never imports Textual, and the README's commands are
the ones CI runs and they work."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORE = [
    "models",
    "ingest",
    "segment",
    "extraction",
    "quantities",
    "matching",
    "queue",
    "report",
    "storage",
    "migrations",
    "settings",
    "pipeline",
    "errors",
]


def test_core_modules_never_import_textual() -> None:
    code = (
        "import sys\n"
        + "".join(f"import factcheck.{m}\n" for m in CORE)
        + "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith(('textual.', 'factcheck.tui')))\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_cli_starts_without_loading_textual() -> None:
    """`factcheck status` and friends should not pay for the TUI's import time."""
    code = "import sys, factcheck.cli; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.skipif(shutil.which("lint-imports") is None, reason="import-linter is not installed")
def test_import_linter_contract_holds() -> None:
    proc = subprocess.run(["lint-imports"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _readme_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.S)


def test_readme_opens_with_the_two_commands_ci_runs() -> None:
    first = [line.split("#")[0].strip() for line in _readme_blocks()[0].strip().splitlines()]
    assert first == ["pip install -e . && factcheck", "pip install -e '.[test]' && pytest"]
    assert "pip install -e '.[test]' && pytest" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_examples_run(tmp_path: Path) -> None:
    """Every `factcheck ...` line of the README's examples works on the bundled articles."""
    shutil.copytree(REPO / "articles", tmp_path / "articles")
    exe = shutil.which("factcheck")
    prefix = exe if exe else f"{sys.executable} -m factcheck"
    raw = _readme_blocks()[1].strip().splitlines()
    examples = [line.split("  #")[0].strip() for line in raw]
    shown = {line.split("  #")[0].strip(): line.split("  #")[1].strip() for line in raw if "  # " in line}
    assert len(examples) >= 8
    for line in examples:
        command = re.sub(r"^factcheck\b", prefix, line)
        command = re.sub(r"\| factcheck\b", f"| {prefix}", command)
        if "| jq" in command:
            command = command.split("| jq")[0]
        proc = subprocess.run(
            command,
            shell=True,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "FACTCHECK_REVIEWER": "readme"},
        )
        assert proc.returncode == 0, f"{line}\n{proc.stderr}"
        if line in shown:  # the README shows what the command prints
            assert shown[line] in proc.stdout + proc.stderr, f"{line}: README says {shown[line]!r}"
    assert (tmp_path / "review.md").exists()


@pytest.mark.skipif(
    shutil.which("ruff") is None or shutil.which("mypy") is None, reason="dev tools not installed"
)
@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "format", "--check", "factcheck", "tests", "bench"],
        ["ruff", "check", "factcheck", "tests", "bench"],
        ["mypy"],
    ],
    ids=["format", "lint", "types"],
)
def test_the_check_commands_parts_pass(command: list[str]) -> None:
    """`./check` (in the README) runs these before the tests; each must pass on the tree as committed."""
    assert "ruff format --check" in (REPO / "check").read_text(encoding="utf-8")
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
