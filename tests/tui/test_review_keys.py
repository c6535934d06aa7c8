"""Every key path of the review screen, driven with Pilot; each test checks the DATABASE afterwards."""

from __future__ import annotations

from collections.abc import Callable

from tui_desk import REVIEWER, Desk
from tui_helpers import record_notifications, settle

from factcheck.models import ClaimStatus, EventKind, Verdict
from factcheck.queue import Reviewer
from factcheck.settings import Settings
from factcheck.tui.app import FactcheckApp
from factcheck.tui.screens.review import ReviewScreen

AppFactory = Callable[..., FactcheckApp]
SIZE = (120, 40)


def kinds(desk: Desk, claim: str) -> list[EventKind]:
    with desk.store() as store:
        return [e.kind for e in store.history(desk.claims[claim])]


async def test_launch_opens_and_leases_the_first_claim(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.session.current is not None
        assert app.session.current.id == desk.claims["zelensky_155"]
        with desk.store() as store:
            assert store.claim(desk.claims["zelensky_155"]).lease_owner == REVIEWER
        assert isinstance(app.screen, ReviewScreen)


async def test_verified_needs_evidence_and_says_so(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        said = record_notifications(app)
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert any("needs evidence" in m and "1-9" in m for m in said)
        assert app.session.current is not None and app.session.current.id == desk.claims["zelensky_155"]
    with desk.store() as store:
        claim = store.claim(desk.claims["zelensky_155"])
        assert claim.verdict is None and EventKind.DECIDED not in kinds(desk, "zelensky_155")


async def test_select_candidate_then_verified_records_evidence_and_moves_on(
    desk: Desk, app_for: AppFactory
) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "v")
        await settle(pilot)
        assert app.session.current is not None and app.session.current.id == desk.claims["efe_168"]
        await pilot.press("2", "d")
        await settle(pilot)
    with desk.store() as store:
        first = store.claim(desk.claims["zelensky_155"])
        assert (first.status, first.verdict) == (ClaimStatus.DECIDED, Verdict.VERIFIED)
        assert first.evidence_passage_id == desk.passages["afp_155"] and first.reviewer == REVIEWER
        second = store.claim(desk.claims["efe_168"])
        assert second.verdict is Verdict.DISPUTED and second.evidence_passage_id == desk.passages["afp_155"]


async def test_unsupported_needs_no_evidence(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
    with desk.store() as store:
        claim = store.claim(desk.claims["zelensky_155"])
        assert claim.verdict is Verdict.UNSUPPORTED and claim.evidence_passage_id is None


async def test_a_missing_candidate_number_is_refused(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        said = record_notifications(app)
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        assert "There is no candidate 7." in said
        assert app.review.evidence.selected is None


async def test_undo_restores_the_claim_and_keeps_both_events(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "v")
        await settle(pilot)
        await pilot.press("z")
        await settle(pilot)
        assert app.session.current is not None and app.session.current.id == desk.claims["zelensky_155"]
        given_back = app.review.queue.list.row_of(desk.claims["efe_168"])
        assert given_back is not None and given_back.claim.status is ClaimStatus.PENDING  # not "in review"
    history = kinds(desk, "zelensky_155")
    assert EventKind.DECIDED in history and EventKind.UNDONE in history
    with desk.store() as store:
        claim = store.claim(desk.claims["zelensky_155"])
        assert claim.verdict is None and claim.evidence_passage_id is None
        assert claim.lease_owner is None  # released when the app closed
        assert store.claim(desk.claims["efe_168"]).lease_owner is None


async def test_note_is_stored_at_once_and_saved_with_the_decision(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"call the ministry")
        await pilot.press("enter")
        await settle(pilot)
        assert kinds(desk, "zelensky_155")[-1] is EventKind.NOTED
        await pilot.press("u")
        await settle(pilot)
    with desk.store() as store:
        claim = store.claim(desk.claims["zelensky_155"])
        assert claim.note == "call the ministry"
        decided = [e for e in store.history(claim.id) if e.kind is EventKind.DECIDED]
        assert decided[-1].note == "call the ministry"


async def test_escape_cancels_a_note(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n", "x", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
    assert EventKind.NOTED not in kinds(desk, "zelensky_155")


async def test_skip_releases_and_moves_on(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert app.session.current is not None and app.session.current.id == desk.claims["efe_168"]
        with desk.store() as store:
            assert store.claim(desk.claims["zelensky_155"]).lease_owner is None
            assert store.claim(desk.claims["efe_168"]).lease_owner == REVIEWER
    assert EventKind.SKIPPED in kinds(desk, "zelensky_155")


async def test_keep_verdict_on_a_requeued_claim(requeued_desk: Desk, app_for: AppFactory) -> None:
    desk = requeued_desk
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.session.current is not None and app.session.current.id == desk.claims["upi_paid"]
        await pilot.press("c")
        await settle(pilot)
    with desk.store() as store:
        claim = store.claim(desk.claims["upi_paid"])
        assert claim.status is ClaimStatus.DECIDED and claim.verdict is Verdict.DISPUTED
        assert claim.evidence_passage_id == desk.passages["efe_paid"] and claim.reviewer == REVIEWER
        decided = [e for e in store.history(claim.id) if e.kind is EventKind.DECIDED]
        assert [e.reviewer for e in decided] == ["ana", REVIEWER]


async def test_keep_is_not_offered_on_a_pending_claim(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
    assert EventKind.DECIDED not in kinds(desk, "zelensky_155")


async def test_two_reviewers_never_get_the_same_claim(desk: Desk, app_for: AppFactory) -> None:
    with desk.store() as store:
        other = Reviewer(store, "ana").next()
        assert other is not None and other.id == desk.claims["zelensky_155"]
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.session.current is not None and app.session.current.id == desk.claims["efe_168"]
        await pilot.press("1", "v", "u", "u", "u")  # decide the rest; never the one ana holds
        await settle(pilot)
    with desk.store() as store:
        assert store.claim(desk.claims["zelensky_155"]).verdict is None
        assert store.claim(desk.claims["zelensky_155"]).lease_owner == "ana"


async def test_quit_releases_every_lease(desk: Desk, app_for: AppFactory) -> None:
    app = app_for(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with desk.store() as store:
            assert store.held_by(REVIEWER) == [desk.claims["zelensky_155"]]
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    with desk.store() as store:
        assert store.held_by(REVIEWER) == []
    assert kinds(desk, "zelensky_155")[-1] is EventKind.RELEASED


async def test_the_open_claims_lease_is_renewed_while_it_is_read(desk: Desk, app_for: AppFactory) -> None:
    """A 2.4 s lease renewed every 0.8 s: after 3 s (past the first lease's end) the claim is still ours
    and nobody else can take it. The margins leave room for a loaded CI machine's stalls."""
    app = app_for(desk, settings=Settings(lease_minutes=0.04))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = app.session.current
        assert first is not None
        await pilot.pause(3.0)
        with desk.store() as store:
            claim = store.claim(first.id)
            assert claim.lease_owner == REVIEWER and claim.lease_expires is not None
            assert claim.lease_expires > (first.lease_expires or "")
            other = Reviewer(store, "ana").next()
            assert other is not None and other.id != first.id
