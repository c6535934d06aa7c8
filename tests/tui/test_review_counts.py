"""The header's counts: after a decision they are worked out from the verdict just recorded (no count of
the whole database on every key), so each test checks them against the DATABASE after every action."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from tui_desk import Desk
from tui_helpers import settle

from factcheck.models import Claim, ClaimStatus, Verdict
from factcheck.queue import Reviewer
from factcheck.tui.app import FactcheckApp
from factcheck.tui.data import Progress, load_progress
from factcheck.tui.screens import review
from factcheck.tui.widgets.status_bar import StatusBar

AppFactory = Callable[..., FactcheckApp]
SIZE = (120, 40)


def header(app: FactcheckApp) -> str:
    """The status line as the reviewer reads it."""
    return str(app.review.query_one(StatusBar).render())


def assert_counts_match(app: FactcheckApp, desk: Desk) -> None:
    """What the header shows is what the database holds."""
    with desk.store() as store:
        truth = load_progress(store)
    shown = app.review._progress
    assert shown is not None
    assert (dict(shown.statuses), dict(shown.verdicts)) == (dict(truth.statuses), dict(truth.verdicts))
    line = header(app)
    assert f"{truth.decided:,}/{truth.total:,} decided" in line
    for verdict in Verdict:
        assert f"{truth.verdicts.get(verdict.value, 0):,} {verdict.value}" in line
    assert ("re-queued" in line) == bool(truth.requeued)


async def press(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def test_counts_follow_decisions_without_counting_again(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    counted: list[int] = []
    async with app.run_test(size=SIZE) as pilot:
        original = app.review._count

        def spy(generation: int) -> None:
            counted.append(generation)
            original(generation)

        app.review._count = spy  # type: ignore[method-assign]
        await settle(pilot)
        assert_counts_match(app, desk)
        await press(pilot, "u")
        assert_counts_match(app, desk)
        await press(pilot, "1", "v")
        assert_counts_match(app, desk)
        await press(pilot, "2", "d")
        assert_counts_match(app, desk)
        assert counted == []  # the three decisions were counted from the verdicts, not by a query
        assert app.review._recount is not None  # the real count comes once the reviewer pauses


async def test_counts_after_undo_and_skip(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "1", "v")
        await press(pilot, "u")
        assert_counts_match(app, desk)
        await press(pilot, "z")
        assert_counts_match(app, desk)
        await press(pilot, "z")
        assert_counts_match(app, desk)
        await press(pilot, "s")
        assert_counts_match(app, desk)
        await press(pilot, "u")
        assert_counts_match(app, desk)


async def test_counts_after_keeping_a_requeued_verdict(requeued_desk: Desk, app_for: AppFactory) -> None:
    desk = requeued_desk
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "re-queued" in header(app)
        assert_counts_match(app, desk)
        await press(pilot, "c")
        assert_counts_match(app, desk)
        await press(pilot, "z")
        assert_counts_match(app, desk)
        await press(pilot, "1", "v")  # a new verdict on the re-queued claim replaces the earlier one
        assert_counts_match(app, desk)


async def test_counts_after_changing_the_filter(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "u")
        for _ in range(4):
            await press(pilot, "f")
            assert_counts_match(app, desk)


async def test_recount_after_a_pause_brings_in_other_reviewers(
    desk: Desk, app_for: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(review, "RECOUNT_AFTER_S", 0.05)
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with desk.store() as store:  # someone else decides a claim meanwhile
            Reviewer(store, "ana").decide(desk.claims["afp_155"], Verdict.UNSUPPORTED)
        await press(pilot, "u")
        await pilot.pause(0.2)
        await settle(pilot)
        assert app.review._recount is None
        assert_counts_match(app, desk)
        assert "2/" in header(app)


async def test_a_count_overtaken_by_a_decision_is_dropped(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        stale_generation = app.review._counts_generation
        await press(pilot, "u")
        app.review._count(stale_generation)  # a count started before the decision, arriving after it
        await settle(pilot)
        assert_counts_match(app, desk)


def _claim(status: ClaimStatus, verdict: Verdict | None = None, *, requeued: bool = False) -> Claim:
    return Claim(
        id=1,
        article_id=1,
        text="x",
        start=0,
        end=1,
        score=0.5,
        status=status,
        verdict=verdict,
        requeue_reason={"article_title": "later"} if requeued else None,
    )


def test_progress_moved_by_a_decision_and_a_kept_verdict() -> None:
    start = Progress({"pending": 3, "requeued": 1, "decided": 2}, {"verified": 2, "disputed": 1})
    decided = start.moved(_claim(ClaimStatus.IN_REVIEW), _claim(ClaimStatus.DECIDED, Verdict.DISPUTED))
    assert decided == Progress({"pending": 2, "requeued": 1, "decided": 3}, {"verified": 2, "disputed": 2})
    kept = start.moved(
        _claim(ClaimStatus.IN_REVIEW, Verdict.DISPUTED, requeued=True),
        _claim(ClaimStatus.DECIDED, Verdict.DISPUTED),
    )
    assert kept == Progress({"pending": 3, "decided": 3}, {"verified": 2, "disputed": 1})
