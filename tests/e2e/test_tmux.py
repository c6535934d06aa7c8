"""The installed `factcheck review` in a real terminal (tmux, 80x24): keys in, decisions out.

The pane is driven with send-keys and read with capture-pane; what counts is the database afterwards
(decisions, linked evidence, the undo event, no lease left) and that text containing terminal escape
sequences never reaches the terminal (the pane title stays ours)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from factcheck.models import EventKind, ExtractedClaim, Verdict
from factcheck.segment import split_passages
from factcheck.storage import Store

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
FACTCHECK = shutil.which("factcheck")
TMUX = shutil.which("tmux")
REVIEWER = "e2e"
TITLE = "factcheck-e2e-pane"
HOSTILE = (
    "Hostile\x1b]0;PWNED\x07 claim \x1b[31mred\x1b[0m: officials said 99 people were hurt.\x1b]2;PWNED2\x1b\\"
)

if TMUX is None:
    pytest.skip("tmux is not installed (apt-get install tmux)", allow_module_level=True)
if FACTCHECK is None:
    pytest.skip("the factcheck command is not installed (pip install -e .)", allow_module_level=True)


def wait_for(what: str, check: Callable[[], bool], pane: Pane | None = None, timeout: float = 30.0) -> None:
    """Poll until ``check()`` holds; on a timeout, show the screen."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    screen = pane.screen() if pane is not None else ""
    raise AssertionError(f"timed out waiting for {what}\n{screen}")


class Pane:
    """One tmux session on a private server socket (nothing shared with the user's tmux)."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        assert TMUX is not None
        done = subprocess.run([TMUX, "-L", self.socket, *args], capture_output=True, text=True, check=True)
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "e2e")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "e2e", key)
            time.sleep(0.15)

    def title(self) -> str:
        return self.tmux("display-message", "-p", "-t", "e2e", "#{pane_title}").strip()


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    """A desk folder: the sample articles plus one carrying OSC title and colour sequences, ingested by
    the installed command (which strips them), plus one claim whose text still holds escape sequences
    (written straight into the store, as a corrupted or hostile row would be: the screen must strip
    them again)."""
    shutil.copytree(REPO / "articles", tmp_path / "articles")
    (tmp_path / "articles" / "wire-2025-04-11-hostile.txt").write_text(
        "Wire \x1b]0;PWNED\x07report\n"
        "Officials said 155 Chinese citizens \x1b[31mwere\x1b[0m fighting for Russia, \x1b]2;PWNED\x1b\\the wire "
        "reported on Friday.\n",
        encoding="utf-8",
    )
    assert FACTCHECK is not None
    subprocess.run(
        [FACTCHECK, "--db", "queue.db", "ingest", "articles"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    )
    with Store(tmp_path / "queue.db") as store:
        article, passages = store.add_article(
            path="raw/hostile.txt",
            title="Hostile \x1b]0;PWNED\x07 title",
            sha256="hostile",
            text=HOSTILE,
            encoding="utf-8",
            size=len(HOSTILE),
            spans=split_passages(HOSTILE),
        )
        store.add_claims(article.id, [ExtractedClaim(text=HOSTILE, start=0, end=len(HOSTILE), score=0.01)])
    return tmp_path


@pytest.fixture
def pane(desk: Path) -> Iterator[Pane]:
    """`factcheck review` running in an 80x24 tmux pane, on a server of its own."""
    p = Pane(f"factcheck-e2e-{os.getpid()}")
    command = f"{FACTCHECK} --db queue.db review --reviewer {REVIEWER}; echo EXITED $?; sleep 60"
    p.tmux(
        "-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", "80", "-y", "24", "-c", str(desk), command
    )
    p.tmux("select-pane", "-t", "e2e", "-T", TITLE)
    try:
        yield p
    finally:
        subprocess.run([TMUX or "tmux", "-L", p.socket, "kill-server"], capture_output=True)


@pytest.fixture
def db(desk: Path) -> Iterator[Store]:
    """The test's one connection, open for the whole run: it only reads, and it is never the last
    connection to close while the app runs (closing the last one checkpoints and removes the WAL)."""
    with Store(desk / "queue.db") as store:
        yield store


def test_review_in_a_real_terminal(desk: Path, db: Store, pane: Pane) -> None:
    def held() -> list[int]:
        return db.held_by(REVIEWER)

    wait_for("the review screen", lambda: "Evidence" in pane.screen() and "decided" in pane.screen(), pane)
    wait_for("a leased claim", lambda: len(held()) == 1, pane)
    while not db.candidates(held()[0]):  # the first claim with a candidate to cite
        skipped = held()[0]
        pane.keys("s")
        wait_for("the next claim", lambda skipped=skipped: held() not in ([], [skipped]), pane)
    first = held()[0]
    best = db.candidates(first)[0]

    pane.keys("1", "v")
    wait_for("the verified decision", lambda: db.claim(first).verdict is Verdict.VERIFIED, pane)
    wait_for("the next claim", lambda: held() not in ([], [first]), pane)
    second = held()[0]
    pane.keys("u")
    wait_for("the unsupported decision", lambda: db.claim(second).verdict is not None, pane)
    pane.keys("z")
    wait_for("the undo", lambda: db.claim(second).verdict is None, pane)

    hostile = next(c.id for c in db.claims() if c.text.startswith("Hostile"))
    pane.keys("C-p")
    wait_for("the command palette", lambda: "Export" in pane.screen(), pane)
    pane.keys(f"#{hostile}")
    time.sleep(0.5)
    pane.keys("Enter")
    wait_for("the hostile claim", lambda: held() == [hostile], pane)
    wait_for("its text on screen", lambda: "Hostile" in pane.screen(), pane)
    assert pane.title() == TITLE
    assert "PWNED" not in pane.screen()

    pane.keys("q")
    wait_for("the app to exit", lambda: "EXITED 0" in pane.screen(), pane)
    decided = db.claim(first)
    assert decided.verdict is Verdict.VERIFIED and decided.evidence_passage_id == best.passage_id
    assert decided.reviewer == REVIEWER
    kinds = [e.kind for e in db.history(second)]
    assert EventKind.DECIDED in kinds and EventKind.UNDONE in kinds
    assert db.claim(second).verdict is None
    assert db.held_by(REVIEWER) == []
    assert pane.title() == TITLE
