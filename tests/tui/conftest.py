"""Review-screen fixtures: deterministic databases (see ``tui_desk``) and the app built by ``make_app``."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tui_desk import FROZEN, REVIEWER, Desk, build_desk

from factcheck.settings import DEFAULT_SETTINGS, Settings
from factcheck.tui.app import FactcheckApp, make_app


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests (Pilot) in a fresh event loop: the project has no asyncio plugin, and
    one loop per test is all Pilot needs."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    kwargs = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(pyfuncitem.obj(**kwargs))
    return True


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    """The three-outlet database, nothing decided."""
    return build_desk(tmp_path / "queue.db")


@pytest.fixture
def requeued_desk(tmp_path: Path) -> Desk:
    """The same database with ``upi_paid`` decided and re-queued."""
    return build_desk(tmp_path / "queue.db", requeued=True)


@pytest.fixture
def app_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., FactcheckApp]]:
    """Build the app the way the CLI does (``make_app``): run from the desk folder (so the header shows
    ``queue.db``, as a reviewer would see it, whatever the temporary path), ./articles beside it, and a
    frozen clock."""
    monkeypatch.chdir(tmp_path)
    made: list[FactcheckApp] = []

    def factory(desk: Desk, reviewer: str = REVIEWER, settings: Settings = DEFAULT_SETTINGS) -> FactcheckApp:
        app = make_app(
            Path(desk.path.relative_to(tmp_path)),
            reviewer=reviewer,
            settings=settings,
            articles_dir=Path("articles"),
            clock=lambda: FROZEN,
        )
        made.append(app)
        return app

    yield factory
    for app in made:
        app.close()
