"""Ingest time on hostile input too slow for the test suite: ten thousand small files, and one 2 MB
article that is a single line, with and without the rest of the pipeline (claims, evidence links).

    python bench/bench_hostile_input.py                 # everything
    python bench/bench_hostile_input.py --files 10000 --skip-pipeline

"ingest" is read, decode, clean, segment and store (one transaction per file); "pipeline" adds claim
extraction, evidence linking and re-queueing, as `factcheck ingest` does. Prints a Markdown table for
docs/BENCHMARKS.md. Correctness on the same inputs is asserted by tests/reliability.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from factcheck.ingest import ingest_paths
from factcheck.storage import Store


def small_files(folder: Path, count: int) -> Path:
    """``count`` distinct two-line articles in one folder."""
    target = folder / "many"
    target.mkdir()
    for i in range(count):
        (target / f"s{i:05d}.txt").write_text(
            f"Harbour report {i}\n\nOfficials in town {i} said {i % 500} people were hurt on day {i % 31}.\n",
            encoding="utf-8",
        )
    return target


def long_line(folder: Path, megabytes: float) -> Path:
    """One article that is a single line of ``megabytes`` of varied sentences."""
    sentence = "Officials said {} people were hurt in district {} and the mayor said {} homes burned. "
    pieces, size, i = [], 0, 0
    while size < megabytes * 1024 * 1024:
        piece = sentence.format(i, i % 97, i * 3 % 1000)
        pieces.append(piece)
        size += len(piece)
        i += 1
    path = folder / "long.txt"
    path.write_text("".join(pieces), encoding="utf-8")
    return path


def timed_ingest(paths: list[Path], db: Path, pipeline: bool) -> tuple[float, int, int]:
    """Seconds, articles added and claims created by one ingest into a fresh database."""
    hook = None
    if pipeline:
        from factcheck.pipeline import process_article

        hook = process_article
    with Store(db) as store:
        started = time.perf_counter()
        report = ingest_paths(store, paths, after_article=hook)
        elapsed = time.perf_counter() - started
    return elapsed, len(report.added), report.claims


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--pipeline-files", type=int, default=1_000, help="small files for the pipeline run")
    parser.add_argument("--megabytes", type=float, default=2.0)
    parser.add_argument("--skip-pipeline", action="store_true")
    args = parser.parse_args()
    print(f"cpus: {os.cpu_count()}\n")
    print("| input | stage | articles | claims | seconds | rate |")
    print("| :--- | :--- | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        many = small_files(folder, args.files)
        secs, added, _ = timed_ingest([many], folder / "a.db", pipeline=False)
        print(
            f"| {args.files:,} small files | ingest | {added:,} | - | {secs:.1f} | {added / secs:.0f} files/s |"
        )
        with Store(folder / "a.db") as store:
            started = time.perf_counter()
            again = ingest_paths(store, [many])
            secs = time.perf_counter() - started
        print(
            f"| same {args.files:,} files again | re-scan (all unchanged) | {len(again.unchanged):,} | - | "
            f"{secs:.1f} | {len(again.unchanged) / secs:.0f} files/s |",
            flush=True,
        )
        line = long_line(folder, args.megabytes)
        secs, added, _ = timed_ingest([line], folder / "b.db", pipeline=False)
        print(
            f"| one {args.megabytes:g} MB single line | ingest | {added} | - | {secs:.1f} | - |", flush=True
        )
        if not args.skip_pipeline:
            subset = sorted(many.iterdir())[: args.pipeline_files]
            secs, added, claims = timed_ingest(subset, folder / "c.db", pipeline=True)
            print(
                f"| {args.pipeline_files:,} small files | ingest + pipeline | {added:,} | {claims:,} | {secs:.1f} | "
                f"{added / secs:.0f} files/s |",
                flush=True,
            )
            secs, added, claims = timed_ingest([line], folder / "d.db", pipeline=True)
            print(
                f"| one {args.megabytes:g} MB single line | ingest + pipeline | {added} | {claims:,} | {secs:.1f} | - |"
            )


if __name__ == "__main__":
    main()
