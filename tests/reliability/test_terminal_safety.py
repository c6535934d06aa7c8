"""Article text (and file names, and notes) full of terminal escapes never reach a terminal through the
command line: `status`, `next`, `extract` and every `export` format write no ESC, BEL, C1 control or
bidi override to stdout. Checked on the raw bytes. (The TUI checks its own screen and pane title.)"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from reliability_support import needs_cli, run_factcheck, run_factcheck_many

pytestmark = needs_cli

# OSC (set the window title, terminated by BEL), CSI (colour, clear screen), an 8-bit CSI, a DCS,
# Rich markup, and the bidi overrides and isolates of "Trojan Source".
HOSTILE = (
    "\x1b]0;pwned\x07\x1b[31m[bold red]RED[/bold red]\x1b[0m\x1b[2J\x9b2J\x1bP+q\x1b\\"
    "\u202eevil\u202c\u2066isolated\u2069\u202a\u202b\u202d\u2067\u2068\x07"
)
# Unicode's other bidi controls: implicit marks, not overrides. Kept by clean_text today.
MARKS = "\u200e\u200f\u061c"
# Bytes never allowed on stdout (ESC, BEL, other C0 but tab/LF/CR, DEL) and code points never allowed
# (C1 controls, bidi embeddings, overrides and isolates).
C0 = {b for b in range(32) if b not in (9, 10, 13)} | {0x7F}
FORBIDDEN = {chr(c) for c in range(0x80, 0xA0)} | set(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def unsafe(raw: bytes) -> list[str]:
    """What in ``raw`` a terminal would act on or reorder: bytes, then code points (as U+XXXX)."""
    found = sorted({f"0x{b:02x}" for b in raw if b in C0})
    text = raw.decode("utf-8", "surrogateescape").replace("\r\n", "\n")
    found += sorted(
        {f"U+{ord(c):04X}" for c in text if c in FORBIDDEN or "\udc80" <= c <= "\udcff" or c == "\r"}
    )
    return found


def _story(headline: str, body: str) -> str:
    return (
        f"<html><head><title>{headline}{HOSTILE}</title></head><body><h1>{headline}</h1>"
        f"<p>{body}</p><p>The mayor{HOSTILE} said 12 homes burned in the harbour fire on Tuesday.</p></body></html>"
    )


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two hostile articles (escapes in their text, their <title> and their file names: ESC, RLO, a
    C1 control and a byte that is not UTF-8), ingested, with one claim decided with a hostile note."""
    root = tmp_path_factory.mktemp("desk")
    folder = root / "articles"
    folder.mkdir()
    claim_story = _story(
        "Harbour Blast", f"Officials{HOSTILE}{MARKS} said 155 people were hurt in the harbour blast."
    )
    evidence_story = _story(
        "Hospital Update", f"Hospital staff said 155 people{HOSTILE} were treated after the blast."
    )
    (folder / "harbour-blast.html").write_text(claim_story, encoding="utf-8")
    evil_name = os.fsencode(folder) + b"/hospital-\x1b]0;x\x07\xe2\x80\xae\xc2\x9b-caf\xe9.html"
    Path(os.fsdecode(evil_name)).write_text(evidence_story, encoding="utf-8")
    db = root / "queue.db"
    assert run_factcheck(["ingest", str(folder)], cwd=root, db=db).returncode == 0
    claim = json.loads(run_factcheck(["next", "--json"], cwd=root, db=db).stdout)
    evidence = claim["candidates"][0]["passage_id"] if claim["candidates"] else None
    decide = ["decide", str(claim["id"]), "--verdict", "verified" if evidence else "unsupported"]
    decide += ["--evidence", str(evidence)] if evidence else []
    proc = run_factcheck([*decide, "--note", f"see{HOSTILE}{MARKS} the hospital"], cwd=root, db=db)
    assert proc.returncode == 0, proc.stderr
    return db


COMMANDS = {
    "status": ["status"],
    "status --json": ["status", "--json"],
    "next": ["next"],
    "next --json": ["next", "--json", "--reviewer", "other"],
    "export md": ["export", "--format", "md"],
    "export json": ["export", "--format", "json"],
    "export csv": ["export", "--format", "csv"],
    "export claimreview": ["export", "--format", "claimreview"],
    "extract": ["extract", "articles/harbour-blast.html"],
    "extract --json": ["extract", "articles/harbour-blast.html", "--json"],
}


@pytest.fixture(scope="module")
def outputs(desk: Path) -> dict[str, bytes]:
    procs = run_factcheck_many(list(COMMANDS.values()), cwd=desk.parent, db=desk)
    for name, proc in zip(COMMANDS, procs, strict=True):
        assert proc.returncode == 0, (name, proc.stderr)
    return {name: proc.stdout for name, proc in zip(COMMANDS, procs, strict=True)}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_no_escape_bell_c1_or_bidi_override_reaches_stdout(outputs: dict[str, bytes], command: str) -> None:
    raw = outputs[command]
    assert raw.strip(), "the command printed something"
    assert unsafe(raw) == []


def test_hostile_text_is_still_there_as_text(outputs: dict[str, bytes]) -> None:
    """Cleaning removed the controls, not the words; Rich markup is printed literally, never applied."""
    extract = outputs["extract"].decode()
    assert "Officials" in extract and "[bold red]RED[/bold red]" in extract
    export = json.loads(outputs["export json"])
    paths = {a["path"] for a in export["articles"]}
    assert any(p.endswith("hospital-\\x1b]0;x\\x07\\u202e\\x9b-caf\\xe9.html") for p in paths), paths
    notes = [c["note"] for c in export["claims"] if c["note"]]
    assert notes and notes[0].startswith("see") and notes[0].endswith("the hospital")


def test_implicit_bidi_marks_are_removed_too(outputs: dict[str, bytes]) -> None:
    for command, raw in outputs.items():
        assert not any(m in raw.decode("utf-8", "replace") for m in MARKS), command


def test_a_manual_claims_source_note_is_cleaned(desk: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    db.write_bytes(desk.read_bytes())
    add = ["claim", "add", "Officials said 155 people were hurt", "--source", f"a tip{HOSTILE}"]
    assert run_factcheck(add, cwd=desk.parent, db=db).returncode == 0
    for proc in run_factcheck_many(
        [["export", "--format", "json"], ["export", "--format", "md"]], cwd=desk.parent, db=db
    ):
        assert unsafe(proc.stdout) == []
