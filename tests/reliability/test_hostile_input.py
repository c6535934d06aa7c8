"""Hostile files: huge, one enormous line, absurdly nested HTML, thousands at once, loops, pipes,
unreadable ones. Ingest finishes, keeps exact offsets, and says in one line per file what it skipped.
(tests/unit/test_ingest.py covers empty, binary, mis-encoded files and a looping folder.)"""

from __future__ import annotations

import os
import time
from pathlib import Path

from reliability_support import needs_cli, run_factcheck

from factcheck.ingest import ingest_paths
from factcheck.segment import clean_text
from factcheck.storage import Store

GOOD = "Officials said 155 people were hurt in the blast on Tuesday.\nThe mayor said roads were shut.\n"


def _assert_exact(store: Store) -> int:
    """Every stored passage is exactly its article's text at its offsets; returns how many."""
    count = 0
    for article in store.articles(with_text=True):
        for p in store.passages(article.id):
            assert article.text[p.start : p.end] == p.text and p.text == p.text.strip()
            count += 1
    return count


@needs_cli
def test_a_folder_of_bad_files_is_ingested_with_one_line_per_skipped_file(tmp_path: Path) -> None:
    """One `factcheck ingest` over a 50 MB file, an unreadable file and folder, a named pipe, a
    symlink loop and a dangling link, next to one good article."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    with (folder / "huge.txt").open("wb") as fh:  # 50 MB, mostly a hole: the size alone decides
        fh.write(GOOD.encode())
        fh.truncate(50 * 1024 * 1024)
    (folder / "secret.txt").write_text(GOOD.replace("155", "156"), encoding="utf-8")
    (folder / "secret.txt").chmod(0o000)
    (folder / "locked").mkdir()
    (folder / "locked" / "inside.txt").write_text(GOOD.replace("155", "157"), encoding="utf-8")
    (folder / "locked").chmod(0o000)
    os.mkfifo(folder / "pipe.txt")
    os.symlink(folder / "loop-b.txt", folder / "loop-a.txt")
    os.symlink(folder / "loop-a.txt", folder / "loop-b.txt")
    os.symlink(tmp_path / "nowhere.txt", folder / "gone.txt")
    try:
        proc = run_factcheck(
            ["ingest", str(folder)], cwd=tmp_path, db=tmp_path / "queue.db", unprivileged=True
        )
    finally:
        (folder / "locked").chmod(0o755)
        (folder / "secret.txt").chmod(0o644)
    err = proc.stderr.decode()
    assert proc.returncode == 3 and "Traceback" not in err, err
    lines = err.strip().splitlines()
    skipped = {
        line.split(": ", 2)[1].rsplit("/", 1)[-1]: line for line in lines if line.startswith("skipped: ")
    }
    reasons = {
        "huge.txt": "too large",
        "secret.txt": "permission denied",
        "locked": "Permission denied",
        "pipe.txt": "not a regular file",
        "loop-a.txt": "symbolic links",
        "loop-b.txt": "symbolic links",
        "gone.txt": "No such file",
    }
    assert set(skipped) == set(reasons), err
    for name, reason in reasons.items():
        assert reason in skipped[name], skipped[name]
    assert lines[-1].startswith("ingest: 1 added") and "7 skipped" in lines[-1]
    assert len(lines) == len(reasons) + 1, "one line per skipped file, and the summary"
    with Store(tmp_path / "queue.db", create=False) as store:
        [article] = store.articles()
        assert article.path.endswith("good.txt") and _assert_exact(store) == 2


def test_a_two_megabyte_single_line_keeps_exact_offsets(tmp_path: Path) -> None:
    sentence = "Officials said {} people were hurt, and the mayor said “we will rebuild {}” on Tuesday. "
    line = "".join(sentence.format(i, i * 7) for i in range(2 * 1024 * 1024 // len(sentence)))
    (tmp_path / "long.txt").write_text(line, encoding="utf-8")
    started = time.monotonic()
    with Store(tmp_path / "queue.db") as store:
        report = ingest_paths(store, [tmp_path / "long.txt"], base=tmp_path)
        elapsed = time.monotonic() - started
        [article] = report.added
        assert (
            store.article(article.id).text == clean_text(line).strip()
            or store.article(article.id).text == line
        )
        assert _assert_exact(store) > 20_000
    assert elapsed < 30, f"a 2 MB line took {elapsed:.1f}s to ingest"


def test_deeply_nested_and_unclosed_html_file(tmp_path: Path) -> None:
    depth = 200_000
    html = (
        "<html><head><title>Deep &amp; wide</title></head><body>"
        + "<div><span>" * depth
        + "<p>Officials said 155 people were hurt."
        + "<b><i><u>" * 10_000  # never closed
        + "<script>"
        + "x" * 10_000  # an unterminated script swallows the rest, as browsers do
    )
    (tmp_path / "deep.html").write_text(html, encoding="utf-8")
    with Store(tmp_path / "queue.db") as store:
        [article] = ingest_paths(store, [tmp_path / "deep.html"]).added
        assert article.title == "Deep & wide"
        assert store.article(article.id).text == "Officials said 155 people were hurt."
        assert _assert_exact(store) == 1


def test_thousands_of_small_files(tmp_path: Path) -> None:
    """One transaction per file. 2,000 here to keep the suite fast; bench/bench_hostile_input.py runs
    10,000 (and the full pipeline) and docs/BENCHMARKS.md has the times."""
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(2_000):
        (folder / f"s{i:05d}.txt").write_text(f"Officials in town {i} said {i % 500} people were hurt.\n")
    with Store(tmp_path / "queue.db") as store:
        report = ingest_paths(store, [folder])
        assert len(report.added) == 2_000 and report.ok
        assert store.integrity_ok()
        again = ingest_paths(store, [folder])
        assert len(again.unchanged) == 2_000 and not again.added


def test_a_pipe_given_by_name_is_refused_not_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    with Store(tmp_path / "queue.db") as store:
        report = ingest_paths(store, [tmp_path / "pipe.txt", Path("/dev/zero")])
    assert len(report.skipped) == 2 and all("not a regular file" in s for s in report.skipped)
