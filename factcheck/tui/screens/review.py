"""The review screen: the queue, the open claim in its article, and its evidence.

The screen turns keys into calls on the `ReviewSession` (which calls the core's `Reviewer`) and shows
what comes back; every decision is committed by the core before the screen moves on. Counting for the
header runs on a worker thread; corpus-wide jobs (rescan, add claim, export) belong to the app.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Container, Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer

from factcheck.errors import FactcheckError, ReviewError
from factcheck.models import Claim, Verdict
from factcheck.queue import FILTERS
from factcheck.settings import Settings
from factcheck.storage import Store
from factcheck.tui.connections import Connections
from factcheck.tui.data import ClaimDetail, Progress, Sources, load_detail, load_progress, passage_item
from factcheck.tui.keys import REVIEW_BINDINGS
from factcheck.tui.messages import ProgressCounted
from factcheck.tui.render import one_line
from factcheck.tui.screens.article import ArticleScreen
from factcheck.tui.screens.dialogs import TextPrompt
from factcheck.tui.screens.evidence_search import EvidenceSearchScreen
from factcheck.tui.session import Outcome, ReviewSession
from factcheck.tui.tasks import JOB_ERRORS
from factcheck.tui.widgets.claim_view import ClaimView
from factcheck.tui.widgets.evidence_list import EvidenceList
from factcheck.tui.widgets.queue import QueuePane
from factcheck.tui.widgets.status_bar import StatusBar

RENEW_FRACTION = 1 / 3
"""Renew the open claim's lease after a third of its length, so a slow reader never loses it."""
RECOUNT_AFTER_S = 2.0
"""After a decision the header is updated from the verdict just recorded; the claims are counted again
(which also brings in other reviewers' work) once the reviewer pauses this long, not on every key."""


class ReviewScreen(Screen[None]):
    """Queue | claim | evidence. Under 100 columns the queue is hidden (``l`` shows it) and the claim
    sits above its evidence; from 160 columns the three panes stand side by side."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (160, "-wide")]
    BINDINGS = REVIEW_BINDINGS

    def __init__(self, session: ReviewSession, settings: Settings, connections: Connections) -> None:
        super().__init__()
        self.session, self.settings, self.connections = session, settings, connections
        self.store: Store = session.reviewer.store
        self.sources = Sources(self.store)
        self.detail: ClaimDetail | None = None
        self._keep_offered = False
        self._progress: Progress | None = None
        self._counts_generation = 0  # bumped by every change made to the counts on the UI thread
        self._recount: Timer | None = None

    def compose(self) -> ComposeResult:
        yield StatusBar(self.session.name, one_line(str(self.connections.db_path)), id="status")
        with Horizontal(id="panes"):
            yield QueuePane(self.connections, id="queue-pane")
            with Container(id="work"):
                yield ClaimView(id="claim")
                yield EvidenceList(id="evidence")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(StatusBar).show()
        self._act(lambda: Outcome(None, self.session.open_next()), recount=True)
        self.evidence.focus()
        self.set_interval(self.settings.lease_minutes * 60 * RENEW_FRACTION, self._renew)

    # --- showing ------------------------------------------------------------------------------------

    @property
    def evidence(self) -> EvidenceList:
        """The evidence pane."""
        return self.query_one(EvidenceList)

    @property
    def queue(self) -> QueuePane:
        """The queue pane."""
        return self.query_one(QueuePane)

    def show_claim(self, claim: Claim | None) -> None:
        """Fill the claim and evidence panes for the open claim (or the empty-queue message)."""
        self.detail = None if claim is None else load_detail(self.store, self.sources, claim, self.settings)
        self.query_one(ClaimView).show(self.detail, self.session.pending_note())
        self.evidence.show(self.detail)
        self.call_after_refresh(self.queue.mark_current, claim)  # the claim first, the queue a frame later
        keep = self.detail is not None and self.detail.requeued
        if keep != self._keep_offered:  # the footer recomposes on every refresh_bindings: only when needed
            self._keep_offered = keep
            self.refresh_bindings()

    def _act(self, action: Callable[[], Outcome], done: str | None = None, *, recount: bool = False) -> bool:
        """Run a review action; when a rule refuses it, say why in one line and change nothing.

        The header counts follow from the action when it changed the open claim (decide, keep, skip:
        the states before and after are both known); ``recount`` counts them in the database instead
        (start-up, undo, a rescan). Opening or noting a claim changes no count."""
        previous = self.session.current
        try:
            outcome = action()
        except FactcheckError as exc:
            self.notify(str(exc), severity="warning")
            return False
        if outcome.changed is not None:
            self.call_after_refresh(self.queue.update_claim, outcome.changed)
        left = {c.id for c in (outcome.changed, outcome.current) if c is not None}
        if previous is not None and previous.id not in left:  # given back: its row no longer "in review"
            self.call_after_refresh(self.queue.update_claim, self.store.claim(previous.id))
        self.show_claim(outcome.current)
        if recount:
            self.count_progress()
        elif outcome.changed is not None and previous is not None and previous.id == outcome.changed.id:
            self._count_change(previous, outcome.changed)
        if done:
            self.say(done)
        return True

    def _count_change(self, before: Claim, after: Claim) -> None:
        """Show the header's counts with one claim changed, in the same repaint as the next claim; count
        for real a little later (a count running now would compete with the repaint for the CPU)."""
        if before.status == after.status and before.verdict == after.verdict:
            return  # skipped: nothing counted changed
        self._counts_generation += 1  # a count already running may have missed this decision
        if self._progress is None:  # the first count is not in yet: count again now
            self.count_progress()
            return
        self._progress = self._progress.moved(before, after)
        self.query_one(StatusBar).show(self._progress)
        if self._recount is not None:
            self._recount.stop()
        self._recount = self.set_timer(RECOUNT_AFTER_S, self.count_progress)

    def say(self, message: str) -> None:
        """Confirm a routine action in the status line (warnings and job results are notifications)."""
        self.query_one(StatusBar).say(message)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``c`` is only offered on a re-queued claim (it keeps the earlier verdict)."""
        if action == "keep":
            return self.detail is not None and self.detail.requeued
        return True

    def refresh_all(self, *, reload_sources: bool = False) -> None:
        """After the corpus changed (rescan, added claims): re-read the queue, counts and open claim."""
        if reload_sources:
            self.sources.reload()
        self.queue.reload()
        claim = self.session.refresh()
        if claim is None or claim.superseded:
            if claim is not None:
                self.notify(
                    f"#{claim.id} belongs to an older version of its article; opening the next claim."
                )
            self._act(lambda: Outcome(None, self.session.open_next()), recount=True)
        else:
            self.show_claim(claim)
            self.count_progress()

    def reviewer_changed(self) -> None:
        """Another name reviews from now on: show it and open that reviewer's next claim."""
        self.query_one(StatusBar).show(reviewer=self.session.name)
        self.refresh_all()

    def count_progress(self) -> None:
        """Count claims by status and verdict for the header, off the UI thread."""
        if self._recount is not None:
            self._recount.stop()
            self._recount = None
        self._count(self._counts_generation)

    @work(thread=True, exclusive=True, group="progress")
    def _count(self, generation: int) -> None:
        try:
            with self.connections.borrow() as store:
                progress = load_progress(store)
        except JOB_ERRORS as exc:
            self.post_message(ProgressCounted(None, error=str(exc), generation=generation))
            return
        self.post_message(ProgressCounted(progress, generation=generation))

    @on(ProgressCounted)
    def _counted(self, message: ProgressCounted) -> None:
        if message.generation != self._counts_generation:
            return  # counted before the last decision was shown: the recount that follows it will do
        if message.progress is not None:
            self._progress = message.progress
            self.query_one(StatusBar).show(message.progress)
        else:
            self.notify(f"Could not count the claims: {message.error}", severity="warning")

    # --- deciding -----------------------------------------------------------------------------------

    def action_decide(self, verdict_name: str) -> None:
        """Record the verdict with the selected candidate as evidence, then open the next claim."""
        verdict, claim, item = Verdict(verdict_name), self.session.current, self.evidence.selected
        if claim is None:
            self.notify("The queue is empty: nothing to decide.", severity="warning")
            return
        if verdict.needs_evidence and item is None:
            self.notify(
                f"{verdict.value.capitalize()} needs evidence: press 1-9 to select a candidate, "
                "or e to search all passages.",
                severity="warning",
            )
            return
        evidence = item.passage.id if item else None
        cited = f" citing {item.source.outlet if item.source else 'a'} passage {evidence}" if item else ""
        self._act(lambda: self.session.decide(verdict, evidence), f"#{claim.id} {verdict.value}{cited}")

    def action_keep(self) -> None:
        """Keep a re-queued claim's earlier verdict and evidence."""
        claim = self.session.current
        if claim is not None and claim.verdict is not None:
            self._act(self.session.keep, f"#{claim.id} kept as {claim.verdict.value}")

    def action_select(self, number: int) -> None:
        """Select candidate ``number`` as the evidence for the next verdict."""
        if not self.evidence.select_number(number):
            self.notify(f"There is no candidate {number}.", severity="warning")

    def action_skip(self) -> None:
        """Leave the open claim for later (or for someone else) and open the next."""
        claim = self.session.current
        if claim is not None:
            self._act(self.session.skip, f"#{claim.id} skipped")

    def action_undo(self) -> None:
        """Cancel your last decision; its claim opens again as it was before."""
        if self._act(self.session.undo, recount=True) and self.session.current is not None:
            claim = self.session.current
            self.say(f"Undone: #{claim.id} is open again, as it was before")
            self.evidence.focus()

    def action_note(self) -> None:
        """Write a note: stored at once, and saved with this claim's decision."""
        claim = self.session.current
        if claim is None:
            self.notify("No claim is open.", severity="warning")
            return
        prompt = TextPrompt(
            f"Note on claim #{claim.id}",
            value=self.session.pending_note() or "",
            placeholder="why, what to check, who to call",
        )
        self.app.push_screen(prompt, self._noted)

    def _noted(self, text: str | None) -> None:
        if text is not None and self._act(lambda: Outcome(None, self.session.note(text))):
            self.say("Note saved; it goes with this claim's decision")

    def _renew(self) -> None:
        try:
            self.session.renew()
        except ReviewError as exc:
            self.notify(f"Lost the claim: {exc}", severity="error")

    # --- evidence and articles ----------------------------------------------------------------------

    def action_find_evidence(self) -> None:
        """Search every passage for evidence; the one chosen is linked and selected."""
        claim = self.session.current
        if claim is None:
            return
        exclude = [claim.article_id] if claim.article_id is not None else []
        self.app.push_screen(
            EvidenceSearchScreen(self.connections, claim.text, exclude), self._evidence_chosen
        )

    def _evidence_chosen(self, passage_id: int | None) -> None:
        item = (
            passage_item(self.store, self.sources, passage_id, "search") if passage_id is not None else None
        )
        if item is not None:
            self.evidence.add_found(item)
            self.evidence.focus()
            self.notify(
                f"Passage {passage_id} selected as evidence: v, d or u records the verdict.", timeout=4
            )

    def action_open_article(self) -> None:
        """Open the selected candidate's passage in its article (or, with none selected, the claim)."""
        item, claim = self.evidence.selected, self.session.current
        if item is not None:
            passage = item.passage
            screen = ArticleScreen(
                self.store.article(passage.article_id), passage.start, passage.end, "passage"
            )
        elif claim is not None and claim.article_id is not None and claim.start is not None:
            screen = ArticleScreen(
                self.store.article(claim.article_id), claim.start, claim.end or claim.start, "claim"
            )
        else:
            self.notify("Select a candidate (1-9) to open its article; this claim was added by hand.")
            return
        self.app.push_screen(screen)

    # --- the queue ----------------------------------------------------------------------------------

    @on(QueuePane.ClaimPicked)
    def _picked(self, event: QueuePane.ClaimPicked) -> None:
        current = self.session.current
        if current is None or event.claim_id != current.id:
            self._act(lambda: Outcome(None, self.session.open(event.claim_id)))
        if self.has_class("-narrow"):
            self.remove_class("-queue-toggled")
        self.evidence.focus()

    def jump_to(self, claim_id: int) -> None:
        """Open a claim by id (command palette)."""
        self._act(lambda: Outcome(None, self.session.open(claim_id)), f"Opened #{claim_id}")

    def action_search(self) -> None:
        """Search claims by their words (the queue shows the matches)."""
        self._reveal_queue()
        self.queue.focus_search()

    def action_cycle_filter(self) -> None:
        """pending → requeued → decided → all."""
        self._reveal_queue()
        self.say(f"Queue: {self.queue.cycle_filter()}")

    def set_filter(self, name: str) -> None:
        """Show one filter (from the command palette)."""
        if name in FILTERS:
            self._reveal_queue()
            self.queue.set_filter(name)

    def action_toggle_queue(self) -> None:
        """Show or hide the queue (hidden by default under 100 columns)."""
        self.toggle_class("-queue-toggled")
        shown = self.has_class("-queue-toggled") == self.has_class("-narrow")
        (self.queue.list if shown else self.evidence).focus()

    def _reveal_queue(self) -> None:
        """Make the queue visible: under 100 columns it takes the screen until a claim is opened."""
        narrow = self.has_class("-narrow")
        self.set_class(narrow, "-queue-toggled")
        if narrow:
            self.queue.list.focus()
