"""Why factcheck segments with sentencex: speed and the mistakes that matter, on the sample articles.

    python bench/bench_segment.py [--repeat 200]

Each segmenter runs per paragraph (factcheck splits on newlines first). Alternatives are measured when
installed (`pip install pysbd syntok blingfire nupunkt`); they are not dependencies.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ARTICLES = Path(__file__).resolve().parent.parent / "articles"

# Pairs that must land in one passage (a split between them is a mistake a fact-checker would notice):
# abbreviations and amounts, and quotations kept with their attribution.
MUST_STAY_TOGETHER = [
    ("permanent member of the U.N.", "Security Council."),
    ("he had paid $3,530", "to an intermediary"),
    ("2 million ruble ($23,200)", "payment."),
    ("U.S.", "State Department spokesperson Tammy Bruce said"),
    ("Kiyv, Apr 9 (EFE)", "The Chinese citizens"),
    ("“There are 155 Chinese citizens", "told reporters at a news briefing Wednesday night."),
    ("“We are collecting information", "motorized rifle regiments and others,” he said."),
    ("“This is Russia’s second mistake.", "said Zelensky."),
    ("“It is obvious how they are being recruited.", "he said."),
]


def _segmenters() -> dict[str, Callable[[str], list[str]]]:
    import sentencex

    found: dict[str, Callable[[str], list[str]]] = {"sentencex": lambda t: list(sentencex.segment("en", t))}
    try:
        import pysbd

        seg = pysbd.Segmenter(language="en", clean=False)
        found["pysbd"] = lambda t: list(seg.segment(t))
    except ImportError:
        pass
    try:
        import syntok.segmenter as syntok

        found["syntok"] = lambda t: [
            "".join(tok.spacing + tok.value for tok in s) for p in syntok.analyze(t) for s in p
        ]
    except ImportError:
        pass
    try:
        import blingfire

        found["blingfire"] = lambda t: blingfire.text_to_sentences(t).split("\n")
    except ImportError:
        pass
    try:
        import nupunkt

        found["nupunkt"] = nupunkt.sent_tokenize
    except ImportError:
        pass
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    paragraphs = [
        p for f in sorted(ARTICLES.glob("*.txt")) for p in f.read_text("utf-8").split("\n") if p.strip()
    ]
    print(
        f"# segmenters — {date.today()}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"{len(paragraphs)} paragraphs x {args.repeat}"
    )
    print(f"{'segmenter':<10} {'sentences/s':>12}  mistakes on the samples")
    for name, segment in _segmenters().items():
        sentences = [s.strip() for p in paragraphs for s in segment(p) if s.strip()]
        mistakes = [a for a, b in MUST_STAY_TOGETHER if not any(a in s and b in s for s in sentences)]
        start = time.perf_counter()
        count = 0
        for _ in range(args.repeat):
            for p in paragraphs:
                count += len(segment(p))
        rate = count / (time.perf_counter() - start)
        print(f"{name:<10} {rate:>12,.0f}  {len(mistakes)}: {'; '.join(m[:40] for m in mistakes) or '-'}")


if __name__ == "__main__":
    main()
