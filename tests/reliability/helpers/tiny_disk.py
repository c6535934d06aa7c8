"""Run one `factcheck` command against a copy of a database on a tiny, nearly full filesystem.

Run inside ``unshare --user --map-root-user --mount`` (a private mount namespace, so no privileges
are needed and the mount disappears with the process) as
``python tiny_disk.py MOUNTPOINT SIZE DB FACTCHECK... -- ARGS...``.
It mounts a tmpfs of SIZE at MOUNTPOINT, copies DB into it, runs the command with ``--db`` pointing at
the copy, and prints one JSON object: the exit code, stderr, and a fingerprint of the copy before
and after (row counts and integrity_check), since the copy vanishes with the namespace.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

TABLES = ("articles", "passages", "claims", "claim_state", "candidates", "events")


def fingerprint(path: Path) -> dict[str, object]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        out: dict[str, object] = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        out["integrity"] = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    return out


def main() -> int:
    split = sys.argv.index("--")
    mount, size, db, command = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), sys.argv[4:split]
    args = sys.argv[split + 1 :]
    mount.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], check=True)
    copy = mount / db.name
    shutil.copyfile(db, copy)
    before = fingerprint(copy)
    proc = subprocess.run([*command, "--db", str(copy), *args], capture_output=True, cwd=db.parent)
    after = fingerprint(copy)
    result = {"returncode": proc.returncode, "stderr": proc.stderr.decode("utf-8", "replace")}
    print(json.dumps({**result, "before": before, "after": after, "free": shutil.disk_usage(mount).free}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
