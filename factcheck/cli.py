"""The `factcheck` command line: a thin layer over the core. User errors are one line on stderr with a
non-zero exit; a traceback only ever appears with FACTCHECK_DEBUG=1."""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from factcheck import report as report_mod
from factcheck.errors import FactcheckError, InputError
from factcheck.models import Verdict
from factcheck.queue import Reviewer
from factcheck.settings import DEFAULT_SETTINGS, Settings
from factcheck.storage import Store

if TYPE_CHECKING:
    from factcheck.ingest import IngestReport
    from factcheck.models import Article
    from factcheck.pipeline import ArticleOutcome

# The pipeline (ingest, the extraction model, matching) is imported by the commands that run it: the
# review screen starts without it (tests/unit/test_startup_imports.py).

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_DB = "queue.db"
DEFAULT_ARTICLES = "articles"
EXIT_SKIPPED = 3  # ingest finished but skipped some files


class Context:
    """What every command needs: where the database is, the settings, who is reviewing."""

    def __init__(self, db: str, settings: Settings) -> None:
        self.db_path, self.settings = Path(db), settings

    def store(self, *, create: bool = True) -> Store:
        """Open (and migrate) the database."""
        return Store(self.db_path, create=create)


def default_reviewer() -> str:
    """$FACTCHECK_REVIEWER, else the OS user name."""
    name = os.environ.get("FACTCHECK_REVIEWER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no user database entry (some containers): still usable
        return "reviewer"


def reviewer_option(func: F) -> F:
    """--reviewer NAME, defaulting to $FACTCHECK_REVIEWER or the OS user."""
    return click.option(
        "--reviewer",
        default=default_reviewer,
        show_default="$FACTCHECK_REVIEWER or your user name",
        help="Who is reviewing (recorded with every decision).",
    )(func)


def echo_json(value: Any) -> None:
    """Print JSON for scripts."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


class UserFacingError(click.ClickException):
    """A FactcheckError or a database problem, shown as one line: ``factcheck: error: ...``."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click declares it as a class constant

    def show(self, file: Any = None) -> None:
        click.echo(f"factcheck: error: {self.format_message()}", err=True)


class FactcheckGroup(click.Group):
    """Turns the errors a user can act on into one line and an exit code, for every subcommand."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FactcheckError as exc:
            raise UserFacingError(str(exc), exc.exit_code) from None
        except sqlite3.Error as exc:
            raise UserFacingError(_sqlite_message(exc)) from None


@click.group(
    cls=FactcheckGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.option(
    "--db",
    "db",
    envvar="FACTCHECK_DB",
    default=DEFAULT_DB,
    show_default=True,
    metavar="PATH",
    help="The review database (env FACTCHECK_DB).",
)
@click.version_option(package_name="factcheck")
@click.pass_context
def cli(ctx: click.Context, db: str) -> None:
    """Fact-check a folder of news articles: extract check-worthy claims, link evidence across sources,
    review them in the terminal and export reports.

    With no command: ingest new or changed files in ./articles into the database and open the review
    screen (or print the status when not run in a terminal). A large ingest uses every CPU unless
    FACTCHECK_JOBS says how many processes.
    """
    ctx.obj = Context(db, DEFAULT_SETTINGS)
    if ctx.invoked_subcommand is None:
        _default(ctx.obj)


def _default(app: Context) -> None:
    folder = Path(DEFAULT_ARTICLES)
    if not folder.is_dir():
        raise InputError(
            f"no ./{DEFAULT_ARTICLES} folder here: run `factcheck ingest PATH` or cd to a desk folder"
        )
    jobs = _jobs_from_environment()
    with app.store() as store:
        report = run_ingest(store, [folder], app.settings, quiet_unchanged=True, jobs=jobs)
        interactive = sys.stdin.isatty() and sys.stdout.isatty()
        if not interactive:
            print_status(store)
    if interactive:
        run_review(app, default_reviewer())
    if not report.ok:
        sys.exit(EXIT_SKIPPED)


def _jobs_from_environment() -> int | None:
    """``FACTCHECK_JOBS`` for the ingest that start-up runs (``ingest --jobs`` reads it too)."""
    value = os.environ.get("FACTCHECK_JOBS", "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise InputError(f"FACTCHECK_JOBS must be a whole number of processes, 1 or more (it is {value!r})")
    return int(value)


# --- ingest ---------------------------------------------------------------------------------------


def run_ingest(
    store: Store,
    paths: list[Path],
    settings: Settings,
    *,
    quiet_unchanged: bool = False,
    jobs: int | None = None,
) -> IngestReport:
    """Ingest with a progress bar on a terminal, one line per skipped file, and a summary line."""
    from factcheck.ingest import discover, ingest_paths
    from factcheck.pipeline import process_articles

    files = sum(1 for item in discover(paths) if isinstance(item, Path))
    show_bar = sys.stderr.isatty() and files > 1
    reading = click.progressbar(length=files, label="ingesting", file=sys.stderr, hidden=not show_bar)

    def process(store: Store, articles: list[Article], settings: Settings) -> ArticleOutcome:
        reading.render_finish()  # the files are stored: end that bar's line before the next one
        reading.hidden = True
        steps = 2 * len(articles)  # extraction, then linking
        hidden = not (sys.stderr.isatty() and len(articles) > 1)
        with click.progressbar(length=steps, label="linking  ", file=sys.stderr, hidden=hidden) as bar:
            return process_articles(store, articles, settings, progress=bar.update, jobs=jobs)

    with reading:
        report = ingest_paths(
            store, paths, settings=settings, progress=lambda _p: reading.update(1), after_batch=process
        )
    for line in report.warnings:
        click.echo(f"warning: {line}", err=True)
    for line in report.skipped:
        click.echo(f"skipped: {line}", err=True)
    if not (quiet_unchanged and not report.added and not report.updated and report.ok):
        click.echo(report.summary(), err=True)
    return report


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print what was ingested as JSON on stdout.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    metavar="N",
    envvar="FACTCHECK_JOBS",
    help="Processes that link a large batch (default: one per CPU, at most 8; env FACTCHECK_JOBS). "
    "The result is the same.",
)
@click.pass_obj
def ingest(app: Context, paths: tuple[Path, ...], as_json: bool, jobs: int | None) -> None:
    """Ingest article files or folders (.txt, .md, .html), recursively.

    The same content twice is one article; a changed file becomes a new version. Unreadable, empty
    and binary files are skipped with a reason, and the exit code is then 3.

    \b
    Example:
      factcheck ingest articles/ ~/Downloads/new-story.html
    """
    with app.store() as store:
        report = run_ingest(store, list(paths), app.settings, jobs=jobs)
    if as_json:
        echo_json(
            {
                "added": [a.path for a in report.added],
                "updated": [a.path for a in report.updated],
                "unchanged": report.unchanged,
                "skipped": report.skipped,
                "warnings": report.warnings,
                "claims": report.claims,
                "requeued": report.requeued,
            }
        )
    if not report.ok:
        sys.exit(EXIT_SKIPPED)


# --- status ---------------------------------------------------------------------------------------


def print_status(store: Store) -> None:
    """Counts by status and verdict, and what is re-queued."""
    articles = store.articles()
    statuses = store.status_counts()
    verdicts = store.verdict_counts()
    total = sum(statuses.values())
    click.echo(f"database  {store.path}")
    click.echo(f"articles  {len(articles)}")
    click.echo(f"claims    {total}")
    for status in ("pending", "requeued", "decided"):
        click.echo(f"  {status:<10}{statuses.get(status, 0):>6}")
    for verdict in Verdict:
        click.echo(f"  {verdict.value:<12}{verdicts.get(verdict.value, 0):>4}")
    for claim in store.queue(statuses=["requeued"], limit=50):
        reason = claim.requeue_reason or {}
        click.echo(
            f"re-queued #{claim.id}: {_snippet(claim.text)} (new source: {reason.get('article_title', '?')})"
        )


def _snippet(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.pass_obj
def status(app: Context, as_json: bool) -> None:
    """Show how far the review is: claims by status and by verdict."""
    with app.store(create=False) as store:
        if as_json:
            echo_json(
                {
                    "articles": len(store.articles()),
                    "status": store.status_counts(),
                    "verdicts": store.verdict_counts(),
                    "requeued": [c.id for c in store.queue(statuses=["requeued"], limit=10_000)],
                }
            )
        else:
            print_status(store)


# --- export ---------------------------------------------------------------------------------------


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(report_mod.FORMATS)),
    default="md",
    show_default=True,
    help="md for editors, json/csv for scripts, claimreview (schema.org JSON-LD) for publishers.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout."
)
@click.option("--verdict", help="Only claims with this verdict (verified, disputed, unsupported).")
@click.option("--article", metavar="PATH", help="Only claims from this article (its path or file name).")
@click.option(
    "--since", metavar="DATE", help="Only claims decided, re-queued or noted since this date (ISO 8601)."
)
@click.option("--reviewer", "reviewer", help="Only claims decided by this reviewer.")
@click.pass_obj
def export(
    app: Context,
    fmt: str,
    output: Path | None,
    verdict: str | None,
    article: str | None,
    since: str | None,
    reviewer: str | None,
) -> None:
    """Export the review: Markdown for editors, JSON (the contract in README.md) and CSV for scripts,
    schema.org ClaimReview JSON-LD for publishers. Writes to stdout unless -o is given.

    \b
    Example:
      factcheck export --format md -o review.md
      factcheck export --format json --verdict disputed
    """
    with app.store(create=False) as store:
        text = report_mod.export_text(
            store,
            fmt,
            generated_at=now(),
            candidates_shown=app.settings.candidates_shown,
            verdict=verdict,
            article=article,
            since=since,
            reviewer=reviewer,
        )
    write_output(text, output)


def write_output(text: str, output: Path | None) -> None:
    """Write a report to a file (atomically, via a temporary file) or stdout."""
    if output is None:
        click.echo(text, nl=False)
        return
    report_mod.write_atomically(output, text)
    click.echo(f"wrote {output}", err=True)


# --- extract --------------------------------------------------------------------------------------


@cli.command()
@click.argument("source", type=click.Path(allow_dash=True, dir_okay=False, path_type=Path))
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print a JSON list (text, start, end, score, reasons, quantities).",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=None,
    help=f"Minimum score (default {DEFAULT_SETTINGS.claim_threshold}).",
)
@click.pass_obj
def extract(app: Context, source: Path, as_json: bool, threshold: float | None) -> None:
    """Print the claims of one text without touching a database ("-" reads stdin).

    \b
    Example:
      factcheck extract articles/upi-2025-04-10-zelensky-155-chinese-fighting-for-russia.txt
      echo "Officials said 155 people were hurt." | factcheck extract - --json
    """
    from factcheck.extraction import extract_claims
    from factcheck.ingest import Skip, decode, html_to_text
    from factcheck.segment import clean_text

    if str(source) == "-":
        data = sys.stdin.buffer.read()
        suffix = ".txt"
    else:
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise InputError(f"{source}: {exc.strerror}") from None
        suffix = source.suffix.lower()
    try:
        decoded = decode(data)
    except Skip as why:
        raise InputError(f"{source}: {why}") from None
    text = decoded.text
    if suffix in {".html", ".htm"}:
        text = html_to_text(text)[0]
    text = clean_text(text)
    settings = (
        app.settings if threshold is None else app.settings.model_copy(update={"claim_threshold": threshold})
    )
    claims = extract_claims(text, settings)
    if as_json:
        echo_json([c.model_dump() for c in claims])
        return
    for c in claims:
        click.echo(f"[{c.start}:{c.end}] {c.score:.2f}  {_snippet(c.text, 100)}")
        if c.reasons:
            click.echo(f"    why: {'; '.join(c.reasons)}")
    click.echo(f"{len(claims)} claims", err=True)


# --- headless review ------------------------------------------------------------------------------


@cli.command("next")
@reviewer_option
@click.option(
    "--json", "as_json", is_flag=True, help="Print the claim as JSON (null when the queue is empty)."
)
@click.pass_obj
def next_claim(app: Context, reviewer: str, as_json: bool) -> None:
    """Take the next claim in queue order, leased to you so nobody else gets it meanwhile."""
    with app.store(create=False) as store:
        claim = Reviewer(store, reviewer, app.settings).next()
        if as_json:
            if claim is None:
                click.echo("null")
            else:
                echo_json(
                    report_mod.claim_obj(
                        report_mod.collect(store, claim_ids=[claim.id]),
                        claim,
                        shown=app.settings.candidates_shown,
                    )
                )
            return
        if claim is None:
            click.echo("the queue is empty")
            return
        click.echo(
            f"claim #{claim.id} (score {claim.score:.2f}, leased to {claim.lease_owner} until {claim.lease_expires})"
        )
        click.echo(f"  {claim.text}")
        for cand in store.candidates(claim.id, limit=app.settings.candidates_shown):
            passage = store.passage(cand.passage_id)
            click.echo(f"  evidence {passage.id} ({cand.score:.0f}): {_snippet(passage.text, 90)}")


@cli.command()
@click.argument("claim_id", type=int)
@click.option("--verdict", required=True, help="verified, disputed or unsupported.")
@click.option(
    "--evidence", "evidence", type=int, help="The passage id that supports or contradicts the claim."
)
@click.option("--note", help="Why (saved with the decision).")
@reviewer_option
@click.option("--json", "as_json", is_flag=True, help="Print the decided claim as JSON.")
@click.pass_obj
def decide(
    app: Context,
    claim_id: int,
    verdict: str,
    evidence: int | None,
    note: str | None,
    reviewer: str,
    as_json: bool,
) -> None:
    """Record a verdict on a claim (verified and disputed need --evidence).

    \b
    Example:
      factcheck decide 12 --verdict disputed --evidence 47 --note "EFE says 30,000 rubles"
    """
    with app.store(create=False) as store:
        claim = Reviewer(store, reviewer, app.settings).decide(
            claim_id, verdict, evidence_passage_id=evidence, note=note
        )
        if as_json:
            echo_json(report_mod.claim_obj(report_mod.collect(store, claim_ids=[claim.id]), claim))
        else:
            click.echo(
                f"claim #{claim.id}: {claim.verdict.value if claim.verdict else '?'} by {claim.reviewer}"
            )


@cli.command()
@reviewer_option
@click.pass_obj
def undo(app: Context, reviewer: str) -> None:
    """Undo your most recent decision (the history keeps both)."""
    with app.store(create=False) as store:
        claim = Reviewer(store, reviewer, app.settings).undo()
    click.echo(f"claim #{claim.id} is {claim.status.value} again")


# --- manual claims --------------------------------------------------------------------------------


@cli.group()
def claim() -> None:
    """Claims that come from outside the corpus."""


@claim.command("add")
@click.argument("texts", nargs=-1)
@click.option(
    "--file", "file", type=click.File("r", encoding="utf-8"), help="One claim per line (- for stdin)."
)
@click.option("--source", "source", help="Where the claim came from (a tip, a broadcast, an editor).")
@click.option("--json", "as_json", is_flag=True, help="Print the created claims as JSON.")
@click.pass_obj
def claim_add(app: Context, texts: tuple[str, ...], file: Any, source: str | None, as_json: bool) -> None:
    """Queue claims by hand; they are linked to evidence in every article.

    \b
    Example:
      factcheck claim add "Russia recruited 168 Chinese citizens" --source "AFP document"
      factcheck claim add --file tips.txt --source "reader tips"
    """
    from factcheck.pipeline import add_manual_claims

    lines = list(texts)
    if file is not None:
        lines.extend(file.read().splitlines())
    with app.store() as store:
        ids = add_manual_claims(store, lines, app.settings, source_note=source)
        if as_json:
            data = report_mod.collect(store, claim_ids=ids)
            echo_json(
                [report_mod.claim_obj(data, c, shown=app.settings.candidates_shown) for c in data.claims]
            )
            return
        for claim_id in ids:
            c = store.claim(claim_id)
            best = store.candidates(claim_id, limit=1)
            hint = (
                f"; best evidence: passage {best[0].passage_id} ({best[0].score:.0f})"
                if best
                else "; no evidence found"
            )
            click.echo(f"claim #{c.id} queued: {_snippet(c.text)}{hint}")


# --- the review screen ----------------------------------------------------------------------------


def run_review(app: Context, reviewer: str) -> None:
    """Open the TUI."""
    from factcheck.tui.app import run_app

    run_app(app.db_path, reviewer=reviewer, settings=app.settings)


@cli.command()
@reviewer_option
@click.pass_obj
def review(app: Context, reviewer: str) -> None:
    """Open the review screen: one key per verdict, evidence side by side."""
    app.store().close()  # refuse a bad database with one line before the screen takes over
    run_review(app, reviewer)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning every expected failure into one line and an exit code."""
    debug = bool(os.environ.get("FACTCHECK_DEBUG"))
    try:
        cli.main(args=argv, prog_name="factcheck", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("factcheck: aborted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo("factcheck: interrupted", err=True)
        sys.exit(130)
    except FactcheckError as exc:
        _fail(str(exc), exc.exit_code, debug)
    except sqlite3.Error as exc:
        _fail(_sqlite_message(exc), 1, debug)
    except UnicodeError:  # an argument or variable in another encoding than the terminal's UTF-8
        _fail("an argument or $FACTCHECK_REVIEWER is not valid UTF-8 text; nothing was changed", 1, debug)
    except OSError as exc:
        _fail(f"{exc.filename + ': ' if exc.filename else ''}{exc.strerror or exc}", 1, debug)
    except Exception as exc:  # a bug: still one line, with a way to get the details
        _fail(f"internal error: {type(exc).__name__}: {exc} (set FACTCHECK_DEBUG=1 for details)", 70, debug)


def _sqlite_message(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return "the database is busy (another process holds a write lock for too long); try again"
    if "readonly" in text:
        return "the database is read-only: nothing was changed (check the permissions of the file and its folder)"
    if "disk is full" in text or "full" in text:
        return "the disk is full: the last change was rolled back, nothing stored was lost"
    if "disk I/O error" in text:  # e.g. the kernel refused to grow the file (quota, file size limit)
        return "the database could not be written (disk I/O error: is the disk full or failing?); the change was rolled back"
    if "malformed" in text or "not a database" in text:
        return f"the database is damaged ({text}); restore it from a backup"
    return f"database error: {text}"


def _fail(message: str, code: int, debug: bool) -> None:
    if debug:
        import traceback

        traceback.print_exc()
    click.echo(f"factcheck: error: {message}", err=True)
    sys.exit(code)


def now() -> datetime:
    """The clock, in one place."""
    return datetime.now(UTC)
