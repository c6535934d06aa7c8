"""A reviewer that works through the queue: next, (sometimes) a note, decide.

Run as ``python reviewer_loop.py DB NAME EVIDENCE_PASSAGE_ID [MAX [LEASE_MINUTES [THINK]]] [--wait]``;
MAX 0 is no limit, THINK is the seconds spent reading each claim before deciding, as a person would;
with ``--wait`` it reads one line from stdin after READY before it starts (a start line, so reviewers
started one after another on a busy machine all begin together).

It prints ``READY`` once the database is open, ``LEASE <claim_id>`` after ``next`` returns,
``ACK <claim_id>`` after ``decide`` returns (flushed at once, so a parent that kills this process
knows exactly which decisions were acknowledged) and ``DONE`` when the queue is empty. Used by the
crash test (killed with SIGKILL at random moments), the concurrency test and the benchmark.
"""

from __future__ import annotations

import sys
import time

from factcheck.queue import Reviewer
from factcheck.settings import Settings
from factcheck.storage import Store


def main() -> int:
    wait = "--wait" in sys.argv
    argv = [a for a in sys.argv if a != "--wait"]
    db, name, evidence = argv[1], argv[2], int(argv[3])
    limit = int(argv[4]) if len(argv) > 4 and int(argv[4]) > 0 else None
    settings = Settings(lease_minutes=float(argv[5])) if len(argv) > 5 else Settings()
    think = float(argv[6]) if len(argv) > 6 else 0.0
    out = sys.stdout
    done = 0
    with Store(db, create=False) as store:
        reviewer = Reviewer(store, name, settings)
        print("READY", flush=True)
        if wait:
            sys.stdin.readline()  # a start line from the parent, so that every reviewer starts together
        while limit is None or done < limit:
            claim = reviewer.next()
            if claim is None:
                print("DONE", flush=True)
                return 0
            out.write(f"LEASE {claim.id}\n")
            out.flush()
            if think:
                time.sleep(think)
            if claim.id % 3 == 0:
                reviewer.note(claim.id, f"looked at by {name}")
            if claim.id % 2:
                reviewer.decide(claim.id, "verified", evidence_passage_id=evidence, note=f"ok by {name}")
            else:
                reviewer.decide(claim.id, "unsupported")
            out.write(f"ACK {claim.id}\n")
            out.flush()
            done += 1
    print("DONE", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
