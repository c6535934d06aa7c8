"""factcheck: extract check-worthy claims from news articles, link evidence across sources, review them.

Start-up: sqlite-utils imports numpy when it is installed (it is: bulk linking uses it), only to convert
numpy values handed to its insert helpers. factcheck never hands it any, and importing numpy is
~70-100 ms of every command's start-up on a 2-core box (a tenth of the review screen's first-paint
budget), so sqlite-utils is imported here with numpy hidden. A numpy already imported is left alone.
"""

from __future__ import annotations

import sys


def _import_sqlite_utils_without_numpy() -> None:
    if "numpy" in sys.modules or "sqlite_utils" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # makes `import numpy` raise ImportError
    try:
        import sqlite_utils.db  # noqa: F401
    finally:
        del sys.modules["numpy"]


_import_sqlite_utils_without_numpy()
