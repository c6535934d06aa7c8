"""Pilot helpers shared by the review-screen tests."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from factcheck.tui.app import FactcheckApp


async def settle(pilot: Pilot[Any]) -> None:
    """Let every worker finish and every message it posted be handled."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def record_notifications(app: FactcheckApp) -> list[str]:
    """Collect notification texts (and still show them)."""
    seen: list[str] = []
    original = app.notify

    def notify(message: str, **kwargs: Any) -> None:
        seen.append(message)
        original(message, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    return seen
