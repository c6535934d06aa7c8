"""Text features for evidence linking, computed once per distinct text: content words, canonical names
(country, capital, government and demonym as one; a few newsroom synonyms), the terms the FTS5 index
holds for them (porter stems), and the figures a text states."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from factcheck.quantities import Quantity, find_quantities
from factcheck.storage import Store

MEASURE_KINDS = frozenset({"count", "money", "percent", "duration", "age"})
"""Quantity kinds that say how much. Years, dates and ordinals only date or label a report ("on
Wednesday", "the 71st regiment"); outlets differ on them without disagreeing on the claim."""


def _wordset(text: str) -> frozenset[str]:
    """The whitespace-separated words of a literal, as a set."""
    return frozenset(text.split())


_QUERY_CHARS = re.compile(r"[^\W_]+")  # what unicode61 keeps as token characters (letters, digits)
_STOPWORDS = _wordset(
    """a about after against all also an and any are as at be been before being between both but by can
    could did do does during each for from had has have he her here him his how i if in into is it its
    just may might more most much no nor not of on once only or other our out over own said same say says
    she should so some such than that the their them then there these they this those through to told too
    under until up very was we were what when where which while who whom why will with would you your"""
)
_NOT_NAMES = _STOPWORDS | _wordset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december according president minister spokesman spokeswoman
    spokesperson"""
)


ALIASES: dict[str, tuple[str, ...]] = {
    "russia": ("russian", "russians", "moscow", "kremlin"),
    "china": ("chinese", "beijing"),
    "ukraine": ("ukrainian", "ukrainians", "kyiv", "kiev"),
    "usa": ("united states", "u.s.", "american", "americans", "washington", "white house"),
    "britain": ("united kingdom", "u.k.", "british", "london", "downing street"),
    "france": ("french", "paris", "elysee"),
    "germany": ("german", "germans", "berlin"),
    "northkorea": ("north korea", "north korean", "north koreans", "pyongyang"),
    "southkorea": ("south korea", "south korean", "south koreans", "seoul"),
    "japan": ("japanese", "tokyo"),
    "india": ("indian", "indians", "new delhi"),
    "iran": ("iranian", "iranians", "tehran"),
    "israel": ("israeli", "israelis"),
    "turkey": ("turkish", "ankara"),
    "poland": ("polish", "warsaw"),
    "belarus": ("belarusian", "minsk"),
    "eu": ("european union", "brussels"),
    "un": ("united nations", "u.n."),
}
"""Country, capital, government and demonym read as one name: news writes "Beijing" for the Chinese
government and "Moscow" for Russia, and a restatement in another outlet often swaps one for the other."""


SYNONYMS: dict[str, tuple[str, ...]] = {
    "citizens": ("nationals",),
    "soldiers": ("troops", "fighters", "servicemen"),
    "captured": ("capture", "captive", "captives", "prisoner", "prisoners", "pow", "pows"),
    "recruited": ("enlisted", "enlist", "enlisting"),
    "rejected": ("denied", "dismissed", "objected"),
    "killed": ("dead", "died", "deaths"),
    "wounded": ("injured", "hurt"),
    "arrested": ("detained",),
}
"""A few near-universal newsroom paraphrases, kept small on purpose (a long list drifts into meaning
changes); porter stemming already joins "recruit", "recruited" and "recruitment"."""


def _alias_maps() -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex for the multi-word aliases and a word map for the rest."""
    canonical = {v: k for table in (ALIASES, SYNONYMS) for k, vs in table.items() for v in vs}
    phrases = sorted((v for v in canonical if not v.isalnum()), key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(v) for v in phrases) + r")(?!\w)")
    return pattern, canonical


_ALIAS_PHRASE, _CANONICAL = _alias_maps()


def _canonical_text(text: str) -> str:
    """Lower-cased text with multi-word aliases ("united states", "u.s.") as their one-word name."""
    return _ALIAS_PHRASE.sub(lambda m: _CANONICAL[m.group()], text.lower())


@dataclass(frozen=True, slots=True)
class _Features:
    """What ranking needs of one text, computed once per distinct text."""

    norm: str  # canonical content words, space-joined: rapidfuzz's input
    size: int  # content words
    words: tuple[str, ...]  # distinct lower-case words as written (FTS queries and frequencies)
    sequence: tuple[str, ...]  # canonical content words in order, split as FTS5 splits them
    names: frozenset[str]  # capitalised words that are not stopwords, canonical
    name_list: tuple[str, ...]  # the same names as a sequence (rapidfuzz's choices)


@lru_cache(maxsize=200_000)
def _features(text: str) -> _Features:
    """Normalise a claim or passage for fuzzy scoring and term lookups (one pass per token list)."""
    canonical = _CANONICAL.get
    sequence = tuple(
        canonical(w, w) for w in _QUERY_CHARS.findall(_canonical_text(text)) if w not in _STOPWORDS
    )
    raw = _QUERY_CHARS.findall(text)
    lowered = [w.lower() for w in raw]
    words = tuple(dict.fromkeys(w for w in lowered if w not in _STOPWORDS))
    names = frozenset(
        canonical(low, low)
        for w, low in zip(raw, lowered, strict=True)
        if w[0].isupper() and len(w) > 1 and low not in _NOT_NAMES
    )
    return _Features(" ".join(sequence), len(sequence), words, sequence, names, tuple(names))


@lru_cache(maxsize=200_000)
def _quantities(text: str) -> tuple[Quantity, ...]:
    """The quantities of a text that say how much (not when), cached by text."""
    return tuple(q for q in find_quantities(text) if q.kind in MEASURE_KINDS)


@lru_cache(maxsize=200_000)
def _quantity_kinds(text: str) -> frozenset[str]:
    """The kinds of the text's ``_quantities`` (only quantities of one kind are ever compared)."""
    return frozenset(q.kind for q in _quantities(text))


_STEMS: dict[str, tuple[str, ...]] = {}
_CACHE_MAX = 500_000


def _stems(store: Store, words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Index terms of each word. The mapping depends only on the tokenizer, so it is cached for the
    process; unknown words go through the store's tokenizer in one batch."""
    wanted = list(dict.fromkeys(words))
    missing = [w for w in wanted if w not in _STEMS]
    if missing:
        if len(_STEMS) > _CACHE_MAX:
            _STEMS.clear()
        _STEMS.update(store.fts_tokens(missing))
    return {w: _STEMS.get(w, ()) for w in wanted}


@dataclass(frozen=True, slots=True)
class _Terms:
    """A text's index terms (canonical, stemmed) and its adjacent term pairs."""

    stems: frozenset[str]
    pairs: frozenset[tuple[str, str]]


_TERMS: dict[str, _Terms] = {}


def _terms(store: Store, text: str) -> _Terms:
    """Stemmed canonical terms of a text, cached by text (stemming depends on the tokenizer only)."""
    found = _TERMS.get(text)
    if found is None:
        sequence = _features(text).sequence
        stems = _stems(store, sequence)
        flat = [t for w in sequence for t in stems[w]]
        found = _Terms(frozenset(flat), frozenset(zip(flat, flat[1:], strict=False)))
        if len(_TERMS) > _CACHE_MAX:
            _TERMS.clear()
        _TERMS[text] = found
    return found


def _quote(term: str) -> str:
    """An FTS5 string literal: whatever it holds, it is a phrase, never an operator."""
    return '"' + term.replace('"', '""') + '"'


def _proxy_stems(store: Store) -> dict[str, tuple[str, ...]]:
    """For each canonical alias term, the index terms of its spellings (last word of a phrase)."""
    spellings = {
        k: (k, *(v.split()[-1].strip(".") for v in vs)) for t in (ALIASES, SYNONYMS) for k, vs in t.items()
    }
    stems = _stems(store, [w for ws in spellings.values() for w in ws])
    out: dict[str, tuple[str, ...]] = {}
    for canonical, words in spellings.items():
        for own in stems[canonical]:
            out[own] = tuple(dict.fromkeys(t for w in words for t in stems[w]))
    return out


_NUMERAL = re.compile(r"\d[\d,]*(?:\.\d+)?")


@lru_cache(maxsize=200_000)
def _numerals(text: str) -> tuple[float, ...]:
    """The digit-written numbers of a text (a cheap look, before the quantity parser)."""
    return tuple(float(m.group().replace(",", "")) for m in _NUMERAL.finditer(text))
