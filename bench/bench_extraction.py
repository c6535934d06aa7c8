"""Measure claim extraction: precision/recall on the hand-labelled samples, check-worthiness ranking on
CLEF-2019 CheckThat! Task 1 (train and test splits, against baselines), and speed on a ~5 MB corpus.

Usage: python bench/bench_extraction.py [--clef PATH] [--write-docs]

The CLEF data is read from ../shared/data/clef2019-checkthat-task1/all_lines.tsv (next to the repo) or
--clef; it is never copied into the repository. Without it that part is skipped with a message.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from factcheck import extraction  # noqa: E402
from factcheck.extraction import extract_claims, score_passage  # noqa: E402
from factcheck.segment import clean_text, split_passages  # noqa: E402
from factcheck.settings import DEFAULT_SETTINGS  # noqa: E402

DEFAULT_CLEF = REPO.parent / "shared" / "data" / "clef2019-checkthat-task1" / "all_lines.tsv"
LABELS = REPO / "tests" / "data" / "sample_claim_labels.json"
ARTICLES = REPO / "articles"
DOCS = REPO / "docs" / "BENCHMARKS.md"
SPEED_BYTES = 5_000_000

# The simple baseline: a line is check-worthy when it has a digit or a reporting verb.
_BASELINE = re.compile(
    r"\d|\b(?:said|says|told|announced|reported|according to|claimed|denied|confirmed)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Line:
    """One CLEF transcript line."""

    split: str
    doc: str
    number: int
    speaker: str
    text: str
    label: int


def load_clef(path: Path) -> list[Line]:
    """All CLEF lines, in document and line order."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        lines = [
            Line(r["split"], r["doc_id"], int(r["line_number"]), r["speaker"], r["text"], int(r["label"]))
            for r in rows
        ]
    return sorted(lines, key=lambda x: (x.doc, x.number))


def average_precision(scores: Sequence[float], labels: Sequence[int]) -> float:
    """AP of the ranking by score (ties keep document order, as a reviewer would read them)."""
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    hits, total = 0, 0.0
    for rank, i in enumerate(order, start=1):
        if labels[i]:
            hits += 1
            total += hits / rank
    return total / hits if hits else 0.0


def prf(predicted: Sequence[bool], labels: Sequence[int]) -> tuple[float, float, float]:
    """Precision, recall, F1."""
    tp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and y)
    fp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and not y)
    fn = sum(1 for p, y in zip(predicted, labels, strict=True) if not p and y)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


# --- samples -------------------------------------------------------------------------------------


def sample_scores(threshold: float = DEFAULT_SETTINGS.claim_threshold) -> dict[str, float]:
    """Passage-level precision/recall on the hand labels, and how many non-body spans became claims.

    A labelled passage counts as extracted when a claim covers it (a merged claim covers all of its
    passages)."""
    labels = json.loads(LABELS.read_text(encoding="utf-8"))["articles"]
    predicted: list[bool] = []
    truth: list[int] = []
    boilerplate = 0
    settings = DEFAULT_SETTINGS.model_copy(update={"claim_threshold": threshold})
    for name, rows in labels.items():
        text = clean_text((ARTICLES / name).read_text(encoding="utf-8"))
        claims = extract_claims(text, settings)
        covered = [(c.start, c.end) for c in claims]
        for span in split_passages(text):
            if span.kind != "body" and any(s <= span.start < e for s, e in covered):
                boilerplate += 1
        for row in rows:
            predicted.append(any(s <= row["start"] and row["end"] <= e for s, e in covered))
            truth.append(row["label"])
    precision, recall, f1 = prf(predicted, truth)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "boilerplate": boilerplate,
        "passages": len(truth),
        "positives": sum(truth),
    }


# --- CLEF ----------------------------------------------------------------------------------------


def _by_doc(lines: Sequence[Line], scores: Sequence[float]) -> dict[str, tuple[list[float], list[int]]]:
    docs: dict[str, tuple[list[float], list[int]]] = defaultdict(lambda: ([], []))
    for line, score in zip(lines, scores, strict=True):
        docs[line.doc][0].append(score)
        docs[line.doc][1].append(line.label)
    return docs


def clef_metrics(lines: Sequence[Line], scores: Sequence[float], threshold: float) -> dict[str, float]:
    """P/R/F1 at the threshold over all lines, and MAP over documents."""
    precision, recall, f1 = prf([s >= threshold for s in scores], [x.label for x in lines])
    docs = _by_doc(lines, scores)
    mean_ap = sum(average_precision(s, y) for s, y in docs.values()) / len(docs)
    return {"precision": precision, "recall": recall, "f1": f1, "map": mean_ap, "docs": len(docs)}


def random_map(lines: Sequence[Line], rounds: int = 20) -> float:
    """Expected MAP of a random ranking (mean over seeded shuffles)."""
    rng = random.Random(2019)
    values = []
    for _ in range(rounds):
        values.append(clef_metrics(lines, [rng.random() for _ in lines], 2.0)["map"])
    return sum(values) / rounds


def line_score(line: Line) -> float:
    """Our score for a transcript line; audience reactions (SYSTEM) are not statements."""
    return 0.0 if line.speaker == "SYSTEM" else score_passage(line.text)[0]


def baseline_score(line: Line) -> float:
    """1.0 when the line has a digit or a reporting verb."""
    return 1.0 if line.speaker != "SYSTEM" and _BASELINE.search(line.text) else 0.0


@contextmanager
def hand_weights() -> Iterator[None]:
    """Score with the hand-set rule weights (the training prior, no data) instead of the shipped model."""
    from train_claim_model import HAND_BIAS, PRIOR  # bench/ is on sys.path when run as a script

    original = extraction._model
    model = extraction._Model(bias=HAND_BIAS, weights=dict(PRIOR))
    extraction._model = lambda: model  # type: ignore[assignment]
    try:
        yield
    finally:
        extraction._model = original


def clef_report(path: Path, threshold: float) -> list[tuple[str, str, dict[str, float]]]:
    """Rows (split, system, metrics) for train and test: the shipped model, the hand-set rules it
    started from, the digit-or-reporting-verb baseline and a random ranking."""
    lines = load_clef(path)
    rows = []
    for split in ("train", "test"):
        part = [x for x in lines if x.split == split]
        rows.append((split, "factcheck", clef_metrics(part, [line_score(x) for x in part], threshold)))
        with hand_weights():
            rows.append((split, "rules only", clef_metrics(part, [line_score(x) for x in part], threshold)))
        rows.append((split, "baseline", clef_metrics(part, [baseline_score(x) for x in part], 0.5)))
        rows.append((split, "random", {"map": random_map(part)}))
    return rows


# --- speed ---------------------------------------------------------------------------------------


def speed() -> dict[str, float]:
    """Seconds to extract claims from ~5 MB: the samples repeated as separate articles, and the same
    bytes as one text (which exercises in-article dedup at scale)."""
    samples = [clean_text(p.read_text(encoding="utf-8")) for p in sorted(ARTICLES.glob("*.txt"))]
    corpus: list[str] = []
    size = 0
    while size < SPEED_BYTES:
        for text in samples:
            corpus.append(text)
            size += len(text.encode("utf-8"))
    started, cpu = time.perf_counter(), time.process_time()
    claims = sum(len(extract_claims(text)) for text in corpus)
    articles_s, articles_cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    one = len(extract_claims("\n".join(corpus)))
    one_s = time.perf_counter() - started
    return {
        "mb": size / 1e6,
        "articles": len(corpus),
        "claims": claims,
        "seconds": articles_s,
        "cpu_seconds": articles_cpu,
        "load": os.getloadavg()[0],
        "one_text_seconds": one_s,
        "one_text_claims": one,
    }


# --- report --------------------------------------------------------------------------------------


def machine() -> str:
    """nproc and CPU model, for the record."""
    model = "unknown CPU"
    try:
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                model = row.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPU(s), {model}, Python {platform.python_version()}"


def render(
    sample: dict[str, float],
    rules_sample: dict[str, float],
    clef: list[tuple[str, str, dict[str, float]]] | None,
    clef_note: str,
    fast: dict[str, float],
    threshold: float,
) -> str:
    """The Markdown section body."""
    out = [
        f"Measured {dt.date.today().isoformat()} on {machine()} by `python bench/bench_extraction.py`, "
        f"threshold {threshold}.",
        "",
        "**Samples** (five articles, every body passage labelled by hand in "
        "`tests/data/sample_claim_labels.json`; a passage counts as extracted when a claim covers it):",
        "",
        "| system | passages | check-worthy | precision | recall | F1 | boilerplate extracted |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {name} | {m['passages']} | {m['positives']} | {m['precision']:.3f} | "
            f"{m['recall']:.3f} | {m['f1']:.3f} | {m['boilerplate']} |"
            for name, m in (
                ("factcheck (shipped model)", sample),
                ("rules only (hand weights)", rules_sample),
            )
        ),
        "",
        "Targets: precision >= 0.90, recall >= 0.95, no boilerplate. Only 2 of the 103 body passages are "
        "not check-worthy (news copy is dense with attributed, checkable statements; the negatives that "
        "matter, headlines, headings and boilerplate, are not body passages), so the sample precision says "
        "little; CLEF below is the harder test of ranking.",
        "",
    ]
    if clef is None:
        out += [f"**CLEF-2019 CheckThat! Task 1**: skipped ({clef_note}).", ""]
    else:
        out += [
            "**CLEF-2019 CheckThat! Task 1** (debate and speech transcripts, one line per row; a line is "
            "positive when professional fact-checkers chose to check it, 2.45 % of lines, so precision is "
            "low by construction; MAP is the lab's official measure, the mean over documents of the "
            'average precision of the ranking by score). "rules only" is the same features with the hand-set '
            'weights the training starts from; "baseline" is any digit or reporting verb.',
            "",
            "The shipped model (`factcheck/data/claim_model.json`) is a class-balanced logistic regression "
            "over the extractor's named features plus ~900 word features, fitted by "
            "`bench/train_claim_model.py` on the CLEF *train* split only, with the named features held near "
            "their hand-set weights (an L2 prior) so that the 0.5 threshold keeps its meaning on news. L2 "
            "strengths are chosen by 3-fold cross-validation over training documents (MAP), among settings "
            "that keep the sample targets with a margin (recall >= 0.97), preferring sample recall among "
            "settings within 0.005 CV MAP of the best. The test split is used only here.",
            "",
            "| split | system | precision | recall | F1 | MAP |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for split, system, m in clef:
            if system == "random":
                out.append(f"| {split} | random ranking | – | – | – | {m['map']:.3f} |")
            else:
                out.append(
                    f"| {split} | {system} | {m['precision']:.3f} | {m['recall']:.3f} | "
                    f"{m['f1']:.3f} | {m['map']:.3f} |"
                )
        out.append("")
    out += [
        f"**Speed**: {fast['mb']:.1f} MB ({fast['articles']} articles, the samples repeated) in "
        f"{fast['seconds']:.2f} s wall, {fast['cpu_seconds']:.2f} s CPU (load average "
        f"{fast['load']:.1f} while measuring; {fast['claims']} claims); the same bytes as one "
        "text (dedup across "
        f"the whole text) in {fast['one_text_seconds']:.2f} s ({fast['one_text_claims']} claims). "
        "Target: 5 MB in at most 10 s.",
        "",
    ]
    return "\n".join(out)


def write_docs(body: str) -> None:
    """Replace the body of the "## Claim extraction" section, leaving every other section alone."""
    text = DOCS.read_text(encoding="utf-8")
    pattern = re.compile(r"(## Claim extraction\n)(.*?)(?=\n## |\Z)", re.DOTALL)
    if not pattern.search(text):
        raise SystemExit("docs/BENCHMARKS.md has no '## Claim extraction' section")
    DOCS.write_text(pattern.sub(lambda m: m.group(1) + "\n" + body, text, count=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run every measurement, print the table, optionally write it into docs/BENCHMARKS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clef", type=Path, default=DEFAULT_CLEF, help="path to all_lines.tsv")
    parser.add_argument("--threshold", type=float, default=DEFAULT_SETTINGS.claim_threshold)
    parser.add_argument("--write-docs", action="store_true", help="update docs/BENCHMARKS.md")
    parser.add_argument("--no-speed", action="store_true", help="skip the 5 MB timing")
    args = parser.parse_args(argv)
    sample = sample_scores(args.threshold)
    with hand_weights():
        rules_sample = sample_scores(args.threshold)
    clef, note = None, ""
    if args.clef.exists():
        clef = clef_report(args.clef, args.threshold)
    else:
        note = f"{args.clef} not found"
        print(f"CLEF data not found at {args.clef}: skipping that part", file=sys.stderr)
    fast = (
        dict.fromkeys(
            (
                "mb",
                "articles",
                "claims",
                "seconds",
                "cpu_seconds",
                "load",
                "one_text_seconds",
                "one_text_claims",
            ),
            0.0,
        )
        if args.no_speed
        else speed()
    )
    body = render(sample, rules_sample, clef, note, fast, args.threshold)
    print(body)
    if args.write_docs:
        write_docs(body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
