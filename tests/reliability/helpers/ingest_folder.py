"""Ingest paths into a database, the way every entry point does, and print the summary line.

Run as ``python ingest_folder.py DB PATH... [--pipeline]``. Without ``--pipeline`` only articles and
passages are stored (no claim extraction), which is what the ingest races are about. Prints READY once
the database is open and ``FILE <name>`` as each file starts, so a test can kill it mid-file.

Several of these are started at once on one database by the concurrency tests (reviewers who all
launch `factcheck` in the same desk folder at nine o'clock), and killed by the crash tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

from factcheck.ingest import ingest_paths
from factcheck.storage import Store


def main() -> int:
    args = [a for a in sys.argv[1:] if a != "--pipeline"]
    db, paths = args[0], [Path(p) for p in args[1:]]
    hook = None
    if "--pipeline" in sys.argv:
        from factcheck.pipeline import process_article

        hook = process_article
    with Store(db) as store:
        print("READY", flush=True)
        report = ingest_paths(
            store,
            paths,
            after_article=hook,
            base=Path(db).parent,
            progress=lambda p: print(f"FILE {p.name}", flush=True),
        )
    print(report.summary(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
