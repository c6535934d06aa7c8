"""Hold a database's write lock (an open BEGIN IMMEDIATE transaction) for a while, like a stuck
process would. Run as ``python hold_lock.py DB SECONDS``; prints LOCKED once it holds the lock, then
rolls back after SECONDS (or when killed), so nothing it did is ever stored."""

from __future__ import annotations

import sqlite3
import sys
import time


def main() -> int:
    db, seconds = sys.argv[1], float(sys.argv[2])
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE claim_state SET note = 'held by a stuck process'")
    print("LOCKED", flush=True)
    time.sleep(seconds)
    conn.execute("ROLLBACK")
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
