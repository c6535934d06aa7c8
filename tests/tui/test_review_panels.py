"""Queue filters and search, the article and help dialogs, untrusted text, and the 80x24 layout."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Static
from tui_desk import Desk
from tui_helpers import settle

from factcheck.tui.app import FactcheckApp
from factcheck.tui.screens.article import ArticleScreen
from factcheck.tui.screens.help import HelpScreen
from factcheck.tui.screens.review import ReviewScreen
from factcheck.tui.widgets.queue import QueuePane

AppFactory = Callable[..., FactcheckApp]
SIZE = (120, 40)


def queue_ids(app: FactcheckApp) -> list[int]:
    return app.review.queue.list.loaded_ids()


async def test_filters_cycle_and_show_what_they_say(requeued_desk: Desk, app_for: AppFactory) -> None:
    desk = requeued_desk
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.review.query_one(QueuePane)
        assert pane.filter_name == "pending" and pane.total == 5
        assert queue_ids(app)[0] == desk.claims["upi_paid"]  # re-queued first
        await pilot.press("f")
        await settle(pilot)
        assert pane.filter_name == "requeued" and queue_ids(app) == [desk.claims["upi_paid"]]
        await pilot.press("f")
        await settle(pilot)
        assert pane.filter_name == "decided" and queue_ids(app) == []
        await pilot.press("f")
        await settle(pilot)
        assert pane.filter_name == "all" and pane.total == 5
        await pilot.press("f")
        await settle(pilot)
        assert pane.filter_name == "pending"


async def test_search_narrows_the_queue_and_enter_opens_a_claim(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"168")
        await settle(pilot)
        assert queue_ids(app) == [desk.claims["efe_168"]]
        await pilot.press("enter")  # from the search box to the list
        await pilot.press("enter")  # open the highlighted claim
        await settle(pilot)
        assert app.session.current is not None and app.session.current.id == desk.claims["efe_168"]
        with desk.store() as store:
            assert store.held_by("tester") == [desk.claims["efe_168"]]  # the first one was given back


async def test_escape_clears_the_search(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zzz-not-there")
        await settle(pilot)
        assert queue_ids(app) == []
        await pilot.press("escape")
        await settle(pilot)
        assert len(queue_ids(app)) == 5


async def test_open_article_highlights_the_selected_passage(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2", "o")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        assert app.screen.article.id == desk.articles["efe"]
        target = app.screen.query_one(".-target", Static)
        assert "168 Chinese" in str(target.render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)


async def test_open_article_without_a_selection_shows_the_claim(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen) and app.screen.article.id == desk.articles["upi"]
        assert app.screen.label == "claim"


async def test_help_lists_every_key(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        listed = {key for _, rows in app.screen.sections for key, _ in rows}
        for key in ("v", "d", "u", "c", "1-9", "n", "z", "s", "e", "o", "/", "f", "l", "a", "r", "?", "q"):
            assert key in listed, key
        assert "ctrl+p" in listed and any("j" in key for key in listed)
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_article_text_is_never_markup(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.review.jump_to(desk.claims["markup"])
        await settle(pilot)
        shown = app.review.query_one("#claim-text", Static).render()
        assert "[bold]secret[/bold]" in str(shown)
        assert "[bold]secret[/bold]" in app.export_screenshot()


async def test_at_80x24_claim_and_evidence_share_the_screen_and_l_shows_the_queue(
    desk: Desk, app_for: AppFactory
) -> None:
    app = app_for(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.review
        assert screen.has_class("-narrow")
        assert not screen.queue.display or screen.queue.region.width == 0
        assert screen.query_one("#claim").region.height >= 6 and screen.evidence.region.height >= 8
        await pilot.press("l")
        await settle(pilot)
        assert screen.queue.region.width == 80 and screen.queue.list.has_focus
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.session.current is not None and app.session.current.id == desk.claims["efe_168"]
        assert screen.queue.region.width == 0 and screen.evidence.has_focus


async def test_at_160_columns_three_panes_stand_side_by_side(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        queue, claim, evidence = (
            app.review.query_one(f"#{i}").region for i in ("queue-pane", "claim", "evidence")
        )
        assert queue.right <= claim.x and claim.right <= evidence.x
        assert claim.y == evidence.y
