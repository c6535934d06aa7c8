"""Ingest paths into a database, the way every entry point does, and print the summary line.

Run as ``python ingest_folder.py DB PATH... [--pipeline | --batch]``. Without either only articles and
passages are stored (no claim extraction), which is what the ingest races are about; ``--pipeline``
processes each article as it is stored, ``--batch`` all of them at the end, as the CLI does. Prints READY once
the database is open and ``FILE <name>`` as each file starts, so a test can kill it mid-file.

Several of these are started at once on one database by the concurrency tests (reviewers who all
launch `factcheck` in the same desk folder at nine o'clock), and killed by the crash tests.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from factcheck.ingest import ingest_paths
from factcheck.models import Article
from factcheck.settings import Settings
from factcheck.storage import Store


def main() -> int:
    args = [a for a in sys.argv[1:] if a not in ("--pipeline", "--batch")]
    db, paths = args[0], [Path(p) for p in args[1:]]
    hooks: dict[str, Any] = {}
    if "--pipeline" in sys.argv:
        from factcheck.pipeline import process_article

        hooks["after_article"] = process_article
    if "--batch" in sys.argv:  # as the CLI does; prints STEP as each article is extracted, then linked
        from factcheck.pipeline import process_articles

        def batch(store: Store, articles: list[Article], settings: Settings) -> Any:
            return process_articles(store, articles, settings, progress=lambda n: print("STEP", flush=True))

        hooks["after_batch"] = batch
    with Store(db) as store:
        print("READY", flush=True)
        report = ingest_paths(
            store,
            paths,
            base=Path(db).parent,
            progress=lambda p: print(f"FILE {p.name}", flush=True),
            **hooks,
        )
    print(report.summary(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
