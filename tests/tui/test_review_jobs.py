"""Slow work from the review screen: evidence search and linking, manual claims, rescan, export, and
the command palette. Each job runs on a worker thread; the tests wait for it and read the database."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input
from tui_desk import FROZEN, REVIEWER, Desk
from tui_helpers import record_notifications, settle

from factcheck.models import EventKind, Verdict
from factcheck.tui.app import FactcheckApp
from factcheck.tui.screens.dialogs import TextPrompt
from factcheck.tui.screens.evidence_search import EvidenceSearchScreen
from factcheck.tui.screens.review import ReviewScreen

AppFactory = Callable[..., FactcheckApp]
SIZE = (120, 40)
SAMPLES = Path(__file__).resolve().parents[2] / "articles"


async def test_find_evidence_links_the_chosen_passage(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, EvidenceSearchScreen)
        query = app.screen.query_one("#evidence-query", Input)
        query.value = "30,000 roubles"
        await settle(pilot)
        assert app.screen.items and app.screen.items[0].passage.id == desk.passages["efe_paid"]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        selected = app.review.evidence.selected
        assert selected is not None and selected.passage.id == desk.passages["efe_paid"]
        await pilot.press("d")
        await settle(pilot)
    with desk.store() as store:
        claim = store.claim(desk.claims["zelensky_155"])
        assert claim.verdict is Verdict.DISPUTED and claim.evidence_passage_id == desk.passages["efe_paid"]


async def test_evidence_search_never_offers_the_claims_own_article(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, EvidenceSearchScreen)
        app.screen.query_one("#evidence-query", Input).value = "Chinese"
        await settle(pilot)
        assert app.screen.items
        assert all(item.passage.article_id != desk.articles["upi"] for item in app.screen.items)
        await pilot.press("escape")
        await settle(pilot)
        assert app.review.evidence.selected is None


async def test_add_a_manual_claim(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        said = record_notifications(app)
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Russia recruited 168 Chinese citizens", "enter", *"AFP document", "enter")
        await settle(pilot)
        assert any(m.startswith("Added #") for m in said)
        assert app.review.queue.total == 6
    with desk.store() as store:
        manual = [c for c in store.claims() if c.origin == "manual"]
        assert len(manual) == 1
        assert (
            manual[0].text == "Russia recruited 168 Chinese citizens"
            and manual[0].source_note == "AFP document"
        )


async def test_rescan_ingests_new_files_and_stays_responsive(
    desk: Desk, app_for: AppFactory, tmp_path: Path
) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    sample = sorted(SAMPLES.iterdir())[0]
    shutil.copy(sample, articles / sample.name)
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        said = record_notifications(app)
        await settle(pilot)
        before = app.review.queue.total
        await pilot.press("r")
        await settle(pilot)
        assert any(m.startswith("ingest: 1 added") for m in said), said
        assert app.review.queue.total > before
    with desk.store() as store:
        assert len(store.articles()) == 4


async def test_rescan_without_a_folder_says_so(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        said = record_notifications(app)
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert any("no folder" in m for m in said)


async def test_palette_exports_json_next_to_the_database(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        said = record_notifications(app)
        await settle(pilot)
        await pilot.press("1", "v")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"export json")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        written = desk.path.parent / f"factcheck-review-{FROZEN:%Y%m%d-%H%M%S}.json"
        assert any(str(written) in m for m in said), said
    doc = json.loads(written.read_text(encoding="utf-8"))
    decided = [c for c in doc["claims"] if c["verdict"]]
    assert [(c["id"], c["verdict"]) for c in decided] == [(desk.claims["zelensky_155"], "verified")]


async def test_palette_jumps_to_a_claim_by_number(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*f"#{desk.claims['upi_paid']}")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.session.current is not None and app.session.current.id == desk.claims["upi_paid"]
    with desk.store() as store:
        leased = [e.kind for e in store.history(desk.claims["upi_paid"])]
        assert EventKind.LEASED in leased


async def test_palette_changes_the_reviewer(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.ask_reviewer()
        await settle(pilot)
        assert isinstance(app.screen, TextPrompt)
        app.screen.query_one(Input).value = "bea"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
    with desk.store() as store:
        claim = store.claim(desk.claims["zelensky_155"])
        assert claim.reviewer == "bea" and store.held_by(REVIEWER) == [] and store.held_by("bea") == []


async def test_typed_text_loses_control_sequences(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        app.screen.query_one(Input).value = "check \x1b]0;pwned\x07this\x1b[31m now"
        await pilot.press("enter")
        await settle(pilot)
    with desk.store() as store:
        assert store.claim(desk.claims["zelensky_155"]).note == "check this now"
