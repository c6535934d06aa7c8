"""The work of ranking claims in bulk, counted in CPU instructions instead of seconds: on a shared
2-core box wall and CPU times of the same code move by 20-30% between runs, an instruction count by
well under 1%. So a change to ranking is compared before/after with this script under callgrind.

It ranks the same 100 claims as ``bench_matching.py``'s brute-force comparison (claims reporting an
event, seed 7) on an unlinked 1,000-article synthetic corpus, once cold and then ``--passes`` more
times with the same run index (the warm steady state of a long batch). Run it with 0 and with 2
passes; the difference divided by 200 is the instructions a claim costs warm:

    python bench/count_instructions.py --db /tmp/fc-1000.db --passes 0   # builds the corpus once
    valgrind --tool=callgrind --callgrind-out-file=/dev/null python bench/count_instructions.py \\
        --db /tmp/fc-1000.db --passes 0
    valgrind --tool=callgrind --callgrind-out-file=/dev/null python bench/count_instructions.py \\
        --db /tmp/fc-1000.db --passes 2
    # (I refs with 2 passes - I refs with 0 passes) / 200 = instructions per claim

To compare with an older commit, run the same commands with ``PYTHONPATH`` pointing at a checkout of it.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_matching  # noqa: E402
import synth  # noqa: E402

from factcheck.matching import linking  # noqa: E402
from factcheck.matching.index import _Index, _postings  # noqa: E402
from factcheck.settings import DEFAULT_SETTINGS  # noqa: E402
from factcheck.storage import Store  # noqa: E402

ARTICLES = 1000
CLAIMS = 100


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, required=True, help="the unlinked corpus (built here if missing)")
    parser.add_argument("--passes", type=int, default=2, help="warm passes after the cold one")
    args = parser.parse_args()
    articles = synth.corpus(ARTICLES)
    if args.db.exists():
        built = bench_matching.Built(
            Store(args.db), args.db, args.db.parent, articles, 0.0, bench_matching.Timers()
        )
    else:  # the same build as bench_matching.py's, into the given file
        root = args.db.parent / f"{args.db.stem}-files"
        built = bench_matching.build(ARTICLES, root, link=False)
        built.store.close()
        built.db.replace(args.db)
        built = bench_matching.Built(Store(args.db), args.db, root, articles, 0.0, bench_matching.Timers())
    events = bench_matching.claim_events(built)
    claims = built.store.claims(ids=sorted(events))
    picked = random.Random(7).sample(claims, min(200, len(claims)))[:CLAIMS]
    index = _Index(built.store)
    postings = _postings(built.store)
    for _ in range(1 + args.passes):
        linking.rank_rows(index, picked, DEFAULT_SETTINGS, postings)


if __name__ == "__main__":
    main()
