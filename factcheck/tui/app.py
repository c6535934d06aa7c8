"""The review app: built by one factory (`make_app`) that the CLI and the tests both use.

The app receives its dependencies (database path, reviewer name, settings), opens its own `Store`
and owns the corpus-wide jobs (rescan, add claim, export) that run on worker threads with their own
connections. Reviewing itself happens on `ReviewScreen`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from textual import on, work
from textual.app import App
from textual.notifications import SeverityLevel

from factcheck.errors import FactcheckError
from factcheck.queue import Reviewer
from factcheck.settings import Settings
from factcheck.storage import Store
from factcheck.tui import collector, tasks
from factcheck.tui.commands import FactcheckCommands
from factcheck.tui.connections import Connections
from factcheck.tui.keys import APP_BINDINGS, help_sections
from factcheck.tui.messages import ClaimsAdded, ExportWritten, ScanFinished
from factcheck.tui.screens.dialogs import ManualClaim, ManualClaimDialog, TextPrompt
from factcheck.tui.screens.help import HelpScreen
from factcheck.tui.screens.review import ReviewScreen
from factcheck.tui.session import ReviewSession
from factcheck.tui.tasks import JOB_ERRORS

DEFAULT_ARTICLES = Path("articles")


class FactcheckApp(App[None]):
    """Review claims against evidence, one key per verdict."""

    CSS_PATH = "app.tcss"
    TITLE = "factcheck"
    COMMANDS = App.COMMANDS | {FactcheckCommands}
    BINDINGS = APP_BINDINGS

    def __init__(
        self,
        db_path: Path,
        *,
        reviewer: str,
        settings: Settings,
        articles_dir: Path = DEFAULT_ARTICLES,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.db_path, self.settings, self.articles_dir = db_path, settings, articles_dir
        self.clock = clock or (lambda: datetime.now(UTC))
        self.store = Store(db_path)
        self.connections = Connections(db_path)
        self.session = ReviewSession(Reviewer(self.store, reviewer, settings))
        self.review = ReviewScreen(self.session, settings, self.connections)

    def on_mount(self) -> None:
        collector.pause()  # until the first claim is painted (see collector)
        self.push_screen(self.review)
        self.review.call_after_refresh(collector.settle)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notifications never parse markup: they quote file names, reviewer names and error text,
        which may contain brackets (widgets pass ``markup=True`` by default, so it is forced off here)."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def close(self) -> None:
        """Close the app's connections (after it has stopped)."""
        self.connections.close()
        self.store.close()

    def release_leases(self) -> None:
        """Give back every claim this reviewer holds, so nobody waits for a lease to expire."""
        self.session.release_all()

    def on_unmount(self) -> None:
        """However the app ends (q, ctrl+q, a crash in a handler), nobody is left waiting on a lease."""
        collector.restore()
        self.release_leases()

    async def action_quit(self) -> None:
        """Release the claims held, then leave."""
        self.release_leases()
        self.exit()

    def action_help(self) -> None:
        """Show every key."""
        self.push_screen(HelpScreen(help_sections(self.get_key_display)))

    # --- reviewer -------------------------------------------------------------------------------------

    def ask_reviewer(self) -> None:
        """Ask for a new reviewer name (command palette)."""
        self.push_screen(TextPrompt("Reviewer name", value=self.session.name), self._set_reviewer)

    def _set_reviewer(self, name: str | None) -> None:
        if not name or name == self.session.name:
            return
        try:
            reviewer = Reviewer(self.store, name, self.settings)
        except FactcheckError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.release_leases()
        self.session.reviewer = reviewer
        self.review.reviewer_changed()
        self.notify(f"Reviewing as {reviewer.name}", timeout=3)

    def ask_claim_id(self) -> None:
        """Ask for a claim number to open (command palette)."""
        self.push_screen(TextPrompt("Open claim number", placeholder="e.g. 42"), self._jump)

    def _jump(self, text: str | None) -> None:
        number = (text or "").lstrip("#").strip()
        if number.isdigit():
            self.review.jump_to(int(number))
        elif number:
            self.notify(f"{number!r} is not a claim number", severity="warning")

    # --- rescan -------------------------------------------------------------------------------------

    def action_rescan(self) -> None:
        """Ingest new and changed files in the articles folder; re-queued claims come first."""
        self.notify(f"Rescanning {self.articles_dir}…", timeout=2)
        self._rescan()

    @work(thread=True, exclusive=True, group="scan")
    def _rescan(self) -> None:
        try:
            with self.connections.borrow() as store:
                result = tasks.rescan(store, self.articles_dir, self.settings)
        except JOB_ERRORS as exc:
            self.post_message(ScanFinished("", error=str(exc)))
            return
        self.post_message(ScanFinished(result.summary, result.requeued))

    @on(ScanFinished)
    def _scanned(self, message: ScanFinished) -> None:
        if message.error:
            self.notify(message.error, severity="error")
            return
        requeued = f"; {len(message.requeued)} re-queued (shown first)" if message.requeued else ""
        self.notify(message.summary + requeued, timeout=6)
        self.review.refresh_all(reload_sources=True)

    # --- manual claims ------------------------------------------------------------------------------

    def action_add_claim(self) -> None:
        """Type a claim from outside the corpus; it is queued and linked to evidence."""
        self.push_screen(ManualClaimDialog(), self._claim_typed)

    def _claim_typed(self, typed: ManualClaim | None) -> None:
        if typed is not None:
            self._add_claims([typed.text], typed.source_note)

    @work(thread=True, exclusive=True, group="add-claim")
    def _add_claims(self, texts: list[str], source_note: str | None) -> None:
        try:
            with self.connections.borrow() as store:
                ids = tasks.add_claims(store, texts, source_note, self.settings)
        except JOB_ERRORS as exc:
            self.post_message(ClaimsAdded([], error=str(exc)))
            return
        self.post_message(ClaimsAdded(ids))

    @on(ClaimsAdded)
    def _claims_added(self, message: ClaimsAdded) -> None:
        if message.error:
            self.notify(message.error, severity="error")
            return
        ids = ", ".join(f"#{i}" for i in message.ids)
        self.notify(f"Added {ids} to the queue (ctrl+p → jump to claim opens it now).", timeout=5)
        self.review.refresh_all()

    # --- export -------------------------------------------------------------------------------------

    def export(self, fmt: str) -> None:
        """Write a Markdown or JSON report next to the database; the screen stays usable meanwhile."""
        self.notify(f"Exporting {fmt}…", timeout=2)
        self._export(fmt, self.clock())

    @work(thread=True, exclusive=True, group="export")
    def _export(self, fmt: str, now: datetime) -> None:
        folder = self.db_path.resolve().parent
        try:
            with self.connections.borrow() as store:
                path = tasks.export_report(store, fmt, folder, now, self.settings)
        except JOB_ERRORS as exc:
            self.post_message(ExportWritten(folder, error=str(exc)))
            return
        self.post_message(ExportWritten(path))

    @on(ExportWritten)
    def _exported(self, message: ExportWritten) -> None:
        if message.error:
            self.notify(message.error, severity="error")
        else:
            self.notify(f"Report written to {message.path}", timeout=8)


def make_app(
    db_path: Path,
    *,
    reviewer: str,
    settings: Settings,
    articles_dir: Path = DEFAULT_ARTICLES,
    clock: Callable[[], datetime] | None = None,
) -> FactcheckApp:
    """Build the app (the one factory, used by `run_app` and by the tests and snapshots)."""
    return FactcheckApp(db_path, reviewer=reviewer, settings=settings, articles_dir=articles_dir, clock=clock)


def run_app(db_path: Path, *, reviewer: str, settings: Settings) -> None:
    """Run the review screen until the reviewer quits; leases are given back however it ends."""
    app = make_app(db_path, reviewer=reviewer, settings=settings)
    try:
        app.run()
    finally:
        app.release_leases()
        app.close()
