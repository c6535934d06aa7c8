"""Python's cyclic garbage collector around the review screen's start-up.

Start-up (Textual, the stylesheet, the first screen) leaves ~50,000 long-lived objects behind, and every
full collection walks all of them: 15-50 ms on a 2-core box, landing in the middle of the first paint or
of a key press (seen with ``gc.callbacks`` while running ``bench/bench_tui.py``: one key in ten took
60 ms instead of 16). So collection waits until the first claim is on screen, and what start-up built is
then moved out of the collector's sight (``gc.freeze``): later collections walk only what the session
creates. Stopping the app undoes both, so tests that build many apps in one process do not keep them.
"""

from __future__ import annotations

import gc


def pause() -> None:
    """Building the first screen: no collection until it is painted."""
    gc.disable()


def settle() -> None:
    """The first claim is on screen: keep what start-up built out of every later collection."""
    gc.freeze()
    gc.enable()


def restore() -> None:
    """The app stopped: everything is collectable again."""
    gc.unfreeze()
    gc.enable()
