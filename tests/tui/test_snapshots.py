"""SVG snapshots of the review screen at 80x24 and 120x40, the help screen and two dialogs.

The data is fixed (``tui_desk``), times come from a frozen clock and nothing on screen shows the time,
so a change in these pictures is a change in the UI. Update with ``pytest --snapshot-update`` after
looking at ``snapshot_report.html``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from tui_desk import Desk
from tui_helpers import settle

from factcheck.tui.app import FactcheckApp

AppFactory = Callable[..., FactcheckApp]
SnapCompare = Callable[..., bool]


def pressing(*keys: str) -> Callable[[Pilot[Any]], Any]:
    """Wait for the first paint and its workers, press keys, wait again, then repaint everything in
    one pass: pages and counts arrive from worker threads, and which frames happened to paint them
    changes how the strips are cut (not what they show), which an SVG comparison would call a change."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        for widget in pilot.app.screen.walk_children():
            widget.refresh(layout=True)
        pilot.app.screen.refresh(layout=True)
        await settle(pilot)

    return run


def test_main_screen_80x24_requeued_claim(
    snap_compare: SnapCompare, requeued_desk: Desk, app_for: AppFactory
) -> None:
    assert snap_compare(app_for(requeued_desk), terminal_size=(80, 24), run_before=pressing())


def test_main_screen_80x24_queue_shown(snap_compare: SnapCompare, desk: Desk, app_for: AppFactory) -> None:
    assert snap_compare(app_for(desk), terminal_size=(80, 24), run_before=pressing("l"))


def test_main_screen_120x40_conflict_selected(
    snap_compare: SnapCompare, desk: Desk, app_for: AppFactory
) -> None:
    assert snap_compare(app_for(desk), terminal_size=(120, 40), run_before=pressing("2"))


def test_main_screen_160x40_three_panes(
    snap_compare: SnapCompare, requeued_desk: Desk, app_for: AppFactory
) -> None:
    assert snap_compare(app_for(requeued_desk), terminal_size=(160, 40), run_before=pressing())


def test_help_80x24(snap_compare: SnapCompare, desk: Desk, app_for: AppFactory) -> None:
    assert snap_compare(app_for(desk), terminal_size=(80, 24), run_before=pressing("question_mark"))


def test_note_dialog_80x24(snap_compare: SnapCompare, desk: Desk, app_for: AppFactory) -> None:
    assert snap_compare(app_for(desk), terminal_size=(80, 24), run_before=pressing("n", *"ring EFE"))


def test_article_dialog_120x40(snap_compare: SnapCompare, desk: Desk, app_for: AppFactory) -> None:
    assert snap_compare(app_for(desk), terminal_size=(120, 40), run_before=pressing("2", "o"))
