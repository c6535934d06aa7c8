"""Command palette (ctrl+p) entries: export, jump to a claim, set the queue filter, change reviewer."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from factcheck.queue import FILTERS

if TYPE_CHECKING:
    from factcheck.tui.app import FactcheckApp

_CLAIM_ID = re.compile(r"#?\s*(\d+)")


class FactcheckCommands(Provider):
    """The review commands that have no key of their own."""

    @property
    def fc(self) -> FactcheckApp:
        """The app, typed."""
        return cast("FactcheckApp", self.app)

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app = self.fc
        commands: list[tuple[str, Callable[[], object], str]] = [
            ("Export report as Markdown", partial(app.export, "markdown"), "written next to the database"),
            ("Export report as JSON", partial(app.export, "json"), "the JSON contract, next to the database"),
            ("Change reviewer", app.ask_reviewer, "decisions are recorded under the new name"),
            ("Jump to claim…", app.ask_claim_id, "open a claim by its number (or type the number here)"),
        ]
        commands += [
            (f"Queue filter: {name}", partial(app.review.set_filter, name), "show these claims in the queue")
            for name in FILTERS
        ]
        return commands

    async def discover(self) -> Hits:
        """What the palette lists before anything is typed."""
        for title, command, help_text in self._commands():
            yield DiscoveryHit(title, command, help=help_text)

    async def search(self, query: str) -> Hits:
        """Fuzzy-match the commands; a number offers to open that claim."""
        match = _CLAIM_ID.fullmatch(query.strip())
        if match:
            claim_id = int(match.group(1))
            yield Hit(
                1.0,
                f"Jump to claim #{claim_id}",
                partial(self.fc.review.jump_to, claim_id),
                help="open it here (leased to you)",
            )
        matcher = self.matcher(query)
        for title, command, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command, help=help_text)
