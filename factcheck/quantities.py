"""Find, parse and normalise the numbers in news text, and compare two mentions of a number."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple, cast

from pydantic import BaseModel, ConfigDict

Kind = Literal["count", "money", "percent", "ordinal", "year", "date", "duration", "age", "other"]
Approx = Literal[
    "exact", "about", "at_least", "more_than", "at_most", "less_than", "nearly", "range", "vague"
]
Relation = Literal["agree", "approx", "conflict", "incomparable"]

HEDGE_TOLERANCE = 0.10
"""Relative slack of a hedged figure ("about 350", "some 11,000"; "nearly 80%" only below)."""

ROUND_TOLERANCE = 0.10
"""Relative slack of an unhedged round figure of 100 or more (10,000; 150): writers round such numbers."""

FX_TOLERANCE = 0.15
"""Extra slack when money is converted with the static rate table (rates drift; outlets round)."""

UNIT_TOLERANCE = 0.05
"""Extra slack when durations in different units are compared (a month is not a fixed number of days)."""

USD_RATES: Mapping[str, float] = {
    "USD": 1.0,
    "EUR": 1.10,
    "GBP": 1.28,
    "RUB": 0.0117,
    "UAH": 0.0242,
    "CNY": 0.137,
    "JPY": 0.0068,
    "INR": 0.0116,
    "KRW": 0.00068,
    "CHF": 1.17,
    "CAD": 0.71,
    "AUD": 0.61,
    "HKD": 0.129,
}
"""US dollars per unit: approximate mid-market rates of early April 2025 (offline, so a fact-checker's
machine needs no network; good for order-of-magnitude checks, not accounting). A bracketed conversion in
the text ("30,000 rubles (about $350)") is always preferred to this table."""


class Quantity(BaseModel):
    """One number mentioned in a text: its exact span and a normalised reading of it.

    ``low``/``high`` are what the text literally states (``low == high == value`` for a point figure,
    including hedged ones such as "about 350"; ``approx`` carries the hedge). A money amount followed by
    a bracketed equivalent in another currency ("30,000 rubles (about $350)") is ONE quantity spanning
    both; the bracketed amount is ``alt`` (itself a money Quantity with its own offsets inside the span).
    Dates are encoded in ``value`` as YYYYMMDD with 0 for an unknown part ("April 10" = 410).
    """

    model_config = ConfigDict(frozen=True)

    text: str
    start: int
    end: int
    value: float | None
    low: float | None
    high: float | None
    kind: Kind
    unit: str | None = None
    approx: Approx = "exact"
    alt: Quantity | None = None

    def label(self) -> str:
        """Short human text for side-by-side display: "≥155", "$3,530", "RUB 30,000 (≈ $350)"."""
        body = _label_body(self)
        if self.alt is None:
            return body
        return f"{body} ({_mark(self.alt, spaced=True)}{_label_body(self.alt, marked=False)})"


class Comparison(BaseModel):
    """How two quantities relate, and why, in plain words."""

    model_config = ConfigDict(frozen=True)

    relation: Relation
    reason: str


class QuantityPair(NamedTuple):
    """A claim quantity and the evidence quantity that plausibly counts the same thing (a named tuple
    of validated parts: evidence linking makes hundreds of thousands of them)."""

    claim: Quantity
    evidence: Quantity
    relation: Relation
    reason: str


# --- vocabulary ------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    """Words of a space-separated vocabulary string (keeps long word lists compact and readable)."""
    return text.split()


def _numbered(words: str, first: int = 1, step: int = 1) -> dict[str, int]:
    """{"one": 1, "two": 2, ...} from a space-separated list."""
    return {word: first + i * step for i, word in enumerate(words.split())}


def _grouped(groups: Mapping[str, str]) -> dict[str, str]:
    """{phrase: key} from {key: "phrase|phrase|..."}."""
    return {phrase: key for key, phrases in groups.items() for phrase in phrases.split("|")}


_UNITS = _numbered("one two three four five six seven eight nine")
_TEENS = _numbered("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen", 10)
_TENS = _numbered("twenty thirty forty fifty sixty seventy eighty ninety", 20, 10)
_SMALL_SCALES = {"hundred": 100.0, "dozen": 12.0}
_BIG_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_ORDINALS = {
    **_numbered(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
        "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
    ),
    **_numbered("twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth", 20, 10),
    "hundredth": 100,
    "thousandth": 1000,
}
_MONTH_NAMES = _words("January February March April May June July August September October November December")
_MONTHS = {
    **_numbered("jan feb mar apr may jun jul aug sep oct nov dec"),
    "sept": 9,
    **_numbered(" ".join(_MONTH_NAMES).lower()),
}

# Vague magnitude words: the lower bound they imply (open-ended above: "thousands" can be 11,000).
_VAGUE_PLURALS = {
    "dozens": 24.0,
    "hundreds": 200.0,
    "thousands": 2e3,
    "millions": 2e6,
    "billions": 2e9,
    "tens of thousands": 2e4,
    "tens of millions": 2e7,
    "hundreds of thousands": 2e5,
    "hundreds of millions": 2e8,
}
# "several hundred" = 300-900, "a few dozen" = 24-60: multiples of the scale word.
_FEW = {"several": (3.0, 9.0), "a few": (2.0, 5.0), "few": (2.0, 5.0)}

_CURRENCY_SYMBOLS = _grouped(
    {
        "USD": "US$|U.S.$|$",
        "CAD": "C$",
        "AUD": "A$",
        "HKD": "HK$",
        "EUR": "€",
        "GBP": "£",
        "JPY": "¥",
        "RUB": "₽",
        "UAH": "₴",
        "INR": "₹",
    }
)
_CURRENCY_WORDS = _grouped(
    {
        "USD": "dollar",
        "EUR": "euro",
        "RUB": "ruble|rouble",
        "GBP": "pounds sterling|sterling",
        "CNY": "yuan|renminbi",
        "UAH": "hryvnia|hryvnya",
        "JPY": "yen",
        "INR": "rupee",
    }
)
_CURRENCY_CODES = _words("USD EUR GBP RUB CNY UAH JPY INR CHF KRW CAD AUD HKD")
_MONEY_MARKS = {"USD": "$", "EUR": "€", "GBP": "£"}

_DAYS_PER = {
    "second": 1 / 86400,
    "minute": 1 / 1440,
    "hour": 1 / 24,
    "day": 1.0,
    "week": 7.0,
    "month": 30.4375,
    "year": 365.25,
    "decade": 3652.5,
    "century": 36525.0,
}

# Attached measurement units ("100km"): reported as kind "other" so they never pass for counts.
_ATTACHED_UNITS = frozenset(_words("km kg m mm cm mi ft lb lbs t g mph kmh kW MW GW kWh MWh"))
_CODE_PREFIXES = frozenset(_words("mid pre post early late"))  # "mid-2022" is a year, not a code
_MONEY_ABBREVIATIONS = {"k": 1e3, "m": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9, "tn": 1e12}

_APPROX_WORDS: dict[str, Approx] = {
    phrase: cast(Approx, key)
    for phrase, key in _grouped(
        {
            "at_least": "at least|no fewer than|no less than|a minimum of|≥",
            "more_than": "more than|over|above|in excess of|upwards of|greater than|just over|exceeding|>",
            "about": "about|around|roughly|approximately|approx.|some|an estimated|estimated|circa|~|≈",
            "nearly": "nearly|almost|close to|just under",
            "at_most": "up to|at most|no more than|a maximum of|as many as|as much as|≤",
            "less_than": "fewer than|less than|under|below|<",
        }
    ).items()
}

# Counted nouns that name the same kind of thing, so "155 citizens" and "155 nationals" pair up.
_NOUN_GROUPS = tuple(
    frozenset(group.split())
    for group in (
        "citizen national person individual man woman civilian resident",
        "troop soldier fighter serviceman combatant mercenary recruit volunteer",
        "prisoner pow captive detainee",
        "death fatality casualty dead killed",
    )
)
_IRREGULAR_PLURALS = {
    "men": "man",
    "women": "woman",
    "people": "person",
    "persons": "person",
    "children": "child",
    "police": "police",
    "personnel": "personnel",
    "staff": "staff",
    "troops": "troop",
    "dead": "dead",
}
_NOT_PLURAL = frozenset(
    _words(
        "was has is its this his hers ours yours theirs thus plus as us yes less unless across whereas perhaps "
        "always sometimes besides towards afterwards news series species means does says goes seems remains"
    )
)
_STOP_WORDS = frozenset(
    _words(
        "with who whom whose which that in on at to from for by and or but as than were was are is have has had "
        "will would could can may might be been being this these those the a an its their his her our your my "
        "them more less per each ago later earlier before after since until of did do not said says into out up "
        "down over under about while when where if"
    )
)
_PRONOUN_ONE_BEFORE = frozenset(_words("the no any every each which this that someone"))
_AGE_APPOSITION_HEADS = frozenset(
    _words(
        "man woman boy girl son daughter father mother husband wife soldier prisoner first second third other "
        "latter former eldest youngest oldest"
    )
)


# --- regexes (compiled once) -----------------------------------------------------------------------


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation grouped by first letter, longest first, so non-starters fail fast."""
    by_first: dict[str, list[str]] = {}
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        by_first.setdefault(word[0], []).append(re.escape(word[1:]).replace(r"\ ", r"\s+"))
    groups = [f"{first}(?:{'|'.join(rests)})" for first, rests in sorted(by_first.items())]
    return "(?:" + "|".join(groups) + ")"


_MONTH = _alternation(m.capitalize() for m in _MONTHS) + r"(?![a-z])"
_YEAR4 = r"(?:1[89]\d\d|20\d\d|2100)(?!\d)"
_SCAN_WORDS = [
    *_UNITS,
    *_TEENS,
    *_TENS,
    *_ORDINALS,
    *_VAGUE_PLURALS,
    *_MONTHS,
    "several",
    "few",
    "a few",
    "a dozen",
    "a hundred",
    "a thousand",
    "a million",
    "a billion",
]

# One cheap scan of " " + lower-cased text finds candidates: an ASCII digit or a number word / month name
# right after a character that is no letter or digit. Starting with that character class lets the regex
# engine skip most positions; a lower-case trie is ~10x faster than IGNORECASE with every shape inline.
_SCAN = re.compile(r"[^a-z0-9](?:(?P<word>" + _alternation(_SCAN_WORDS) + r")(?![a-z])|[0-9])")

# Shapes tried only at a candidate position.
_DATE_MD = re.compile(rf"{_MONTH}\.?\s+\d{{1,2}}(?i:st|nd|rd|th)?(?![\d:.,]\d)(?!\d)(?:,?\s+{_YEAR4})?")
_DATE_MY = re.compile(rf"{_MONTH}\.?\s+{_YEAR4}")
_DATE_DM = re.compile(rf"\d{{1,2}}(?i:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\.?(?:,?\s+{_YEAR4})?")
_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d(?!\d)")
_SLASH_DATE = re.compile(r"\d{1,2}/\d{1,2}/(?:\d{4}|\d\d)(?!\d)")
_TIME = re.compile(
    r"\d{1,2}(?::\d\d){1,2}(?!\d)(?:\s?(?i:a\.m\.|p\.m\.|am\b|pm\b))?|\d{1,2}\s?(?i:a\.m\.|p\.m\.|am\b|pm\b)"
)
_PHONE = re.compile(
    r"\+\d{1,3}[\s-]?(?:\(\d{1,4}\)[\s-]?)?\d{2,4}(?:[\s-]\d{2,4}){1,4}(?!\d)"
    r"|\(\d{3}\)\s?\d{3}[\s-]\d{4}(?!\d)|\d{3}[-.]\d{3}[-.]\d{4}(?!\d)"
)
_DIGITS = re.compile(r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?")
_ORDINAL_SUFFIX = re.compile(r"(?:st|nd|rd|th)(?![^\W\d_])", re.IGNORECASE)
_LETTERS = re.compile(r"[^\W\d_]+")
_WORD = re.compile(r"[A-Za-z]+")
_WORD_SEP = re.compile(r"[ \t]+and[ \t]+|[ \t]*-[ \t]*|[ \t]+", re.IGNORECASE)
_VAGUE = re.compile(
    r"(?:tens|hundreds)\s+of\s+(?:thousands|millions)|dozens|hundreds|thousands|millions|billions"
    r"|(?:several|a\s+few|few)\s+(?:dozen|hundred|thousand|million|billion)(?![a-z])",
    re.IGNORECASE,
)
_RUN = re.compile(r"[\w.,'’-]*")

_CURRENCY_BEFORE = re.compile(
    r"(?:US\$|U\.S\.\s?\$|C\$|A\$|HK\$|\$|€|£|¥|₽|₴|₹|(?P<code>" + "|".join(_CURRENCY_CODES) + r")\s?)$"
)
_APPROX_BEFORE = re.compile(
    r"(?:(?<![\w])" + _alternation(w for w in _APPROX_WORDS if w[0].isalpha()) + r"\s+"
    r"|(?P<sym>[~≈<>≤≥])\s?)$",
    re.IGNORECASE,
)
_RANGE_INTRO_BEFORE = re.compile(r"(?<![\w])(?P<w>between|from)\s+$", re.IGNORECASE)
_AGE_BEFORE = re.compile(
    r"(?<![\w])(?:aged|ages?\s+(?:of|is|was|was\s+given\s+as|given\s+as|listed\s+as))\s+$", re.IGNORECASE
)
_APPOSITION_BEFORE = re.compile(r"(?<![\w])(?P<w>[A-Za-z]+),\s+$")
_ID_BEFORE = re.compile(r"(?:(?<![\w])(?:No|no|Nos|nos|number|Number)\.?|#)\s*$")
_WORD_BEFORE_HYPHEN = re.compile(r"[A-Za-z]+$")
_WORD_BEFORE = re.compile(r"(?<![\w])(?P<w>[A-Za-z]+)\s+$")

_SCALE_AFTER = re.compile(
    r"[ \t]*(?P<word>thousand|million|billion|trillion)(?![a-z])|[ \t]?(?P<abbr>bn|mn|tn)(?![a-z])"
    r"|(?P<tight>[kmb])(?![a-z])",
    re.IGNORECASE,
)
_RANGE_SEP = re.compile(
    r"(?:(?P<dash>[ \t]?[-–—][ \t]?)|[ \t]+(?P<w>to|and|or)[ \t]+)(?:(?:US\$|\$|€|£)[ \t]?)?",
    re.IGNORECASE,
)
_UNIT_AFTER = re.compile(
    r"""
    (?P<pct>[ \t]?%|[ \t]+(?:percent|per\s+cent)(?![a-z]))
   |(?P<pp>[ \t]+percentage\s+points?(?![a-z]))
   |(?P<age>-(?:year|yr)s?-old(?![a-z])|[ \t]+years?[ \t]+old(?![a-z]))
   |(?P<dur>(?:[ \t]+|-)(?P<tu>second|minute|hour|day|week|month|year|decade|centur(?:y|ies))s?(?![a-z]))
   |(?P<cur>[ \t]+(?:(?:US|U\.S\.|American)[ \t]+)?(?P<cw>dollars?|euros?|rubles?|roubles?|pounds\s+sterling
        |sterling|yuan|renminbi|hryvnias?|hryvnyas?|yen|rupees?)(?![a-z])
        |[ \t]?(?-i:(?P<code>"""
    + "|".join(_CURRENCY_CODES)
    + r"""))(?![A-Za-z]))
    """,
    re.IGNORECASE | re.VERBOSE,
)
_QUALIFIER_AFTER = re.compile(
    r"(?P<plus>\+(?!\d)|-?plus(?![a-z]))|[ \t]+or[ \t]+(?:(?P<more>more|over|above)|(?P<less>fewer|less|under)"
    r"|(?P<so>so))(?![a-z])",
    re.IGNORECASE,
)
_VAGUE_MONEY_AFTER = re.compile(
    r"[ \t]+of[ \t]+(?:(?:US|U\.S\.)[ \t]+)?(?P<cw>dollars|euros|rubles|roubles|pounds|yuan|hryvnias)(?![a-z])",
    re.IGNORECASE,
)
_BRACKET_OPEN = re.compile(
    r"[ \t]?(?P<open>\()[ \t]*(?:(?:about|around|approximately|approx\.|roughly|some|nearly|almost|just\s+over"
    r"|just\s+under|over|more\s+than|less\s+than|under|or|~|≈)[ \t]*)?"
    r"(?:US\$|U\.S\.\s?\$|C\$|A\$|HK\$|\$|€|£|¥|₽|₴|₹|(?:" + "|".join(_CURRENCY_CODES) + r")[ \t]?)?(?=\d)",
    re.IGNORECASE,
)
_BRACKET_CLOSE = re.compile(r"[ \t]*\)")
_FOLLOWING_WORD = re.compile(r"[ \t]+(?P<w>[^\W\d_][\w’'-]*)")
_DATE_PARTS = re.compile(r"(?P<month>[A-Za-z]+)|(?P<num>\d+)")


# --- reading numbers -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Num:
    """A bare number as written, before context gives it a kind."""

    value: float
    start: int
    end: int
    ordinal: bool = False
    words: bool = False
    digits: int = 0  # digits before the decimal point (0 for words)
    grouped: bool = False  # written with thousands separators
    decimal: bool = False
    hedged: bool = False  # "a dozen" is about twelve
    raw: str = ""


def _read_digits(text: str, pos: int) -> _Num | None:
    """A digit number at ``pos`` (3,530 / 2.5 / 70th)."""
    m = _DIGITS.match(text, pos)
    if m is None:
        return None
    raw = m.group()
    whole = raw.split(".", 1)[0]
    try:
        value = float(raw.replace(",", ""))
    except ValueError:
        return None
    end = m.end()
    suffix = _ORDINAL_SUFFIX.match(text, end)
    ordinal = suffix is not None and "." not in raw and "," not in raw
    if suffix is not None and ordinal:
        end = suffix.end()
    return _Num(
        value,
        pos,
        end,
        ordinal=ordinal,
        digits=len(whole.replace(",", "")),
        grouped="," in raw,
        decimal="." in raw,
        raw=raw,
    )


@dataclass(slots=True)
class _WordState:
    """Running total while reading "two hundred and fifty thousand"."""

    total: float = 0.0
    current: float = 0.0
    last: str = ""  # unit, teen, tens, small, big, a


_WORD_FOLLOWS = {
    "": frozenset({"unit", "teen", "tens", "a"}),
    "a": frozenset({"small", "big"}),
    "unit": frozenset({"small", "big"}),
    "teen": frozenset({"small", "big"}),
    "tens": frozenset({"unit", "small", "big"}),
    "small": frozenset({"unit", "teen", "tens", "big"}),
    "big": frozenset({"unit", "teen", "tens"}),
}
"""Which class of number word may follow which ("twenty" then "one"; never "two" then "three")."""
_WORD_VALUES = {**_UNITS, **_TEENS, **_TENS}


def _word_step(state: _WordState, word: str) -> bool:
    """Fold one number word into the state; False when it cannot follow the previous word."""
    cls = _word_class(word)
    if cls not in _WORD_FOLLOWS[state.last]:
        return False
    if cls == "a":
        state.current = 1.0
    elif cls in ("unit", "teen", "tens"):
        state.current += _WORD_VALUES[word]
    elif cls == "small":
        state.current = (state.current or 1.0) * _SMALL_SCALES[word]
    else:
        state.total += (state.current or 1.0) * _BIG_SCALES[word]
        state.current = 0.0
    state.last = cls
    return True


def _word_class(word: str) -> str:
    """unit / teen / tens / small / big / a, or "" for a word that is no number."""
    if word in _UNITS:
        return "unit"
    if word in _TEENS:
        return "teen"
    if word in _TENS:
        return "tens"
    if word in _SMALL_SCALES:
        return "small"
    if word in _BIG_SCALES:
        return "big"
    return "a" if word == "a" else ""


def _read_words(text: str, pos: int) -> _Num | None:
    """A number in words at ``pos`` ("ten thousand", "twenty-first", "a dozen")."""
    state = _WordState()
    end, sep_text, cursor = pos, "", pos
    words: list[str] = []
    while (m := _WORD.match(text, cursor)) is not None:
        word = m.group().lower()
        if word in _ORDINALS:
            if state.last == "" or (state.last == "tens" and sep_text == "-" and _ORDINALS[word] < 10):
                value = state.total + state.current + _ORDINALS[word]
                return _Num(value, pos, m.end(), ordinal=True, words=True, raw=" ".join([*words, word]))
            break
        if (sep_text == "and" and _word_class(word) not in ("unit", "teen", "tens")) or not _word_step(
            state, word
        ):
            break
        words.append(word)
        end = m.end()
        sep = _WORD_SEP.match(text, end)
        if sep is None:
            break
        sep_text = sep.group().strip().lower()
        if sep_text == "and" and state.last not in ("small", "big"):
            break
        cursor = sep.end()
    if not words or state.last == "a":
        return None
    value = state.total + state.current
    return _Num(value, pos, end, words=True, hedged=words[:2] == ["a", "dozen"], raw=" ".join(words))


def _read_number(text: str, pos: int) -> _Num | None:
    """A number at ``pos``, in digits or words."""
    if pos >= len(text):
        return None
    return _read_digits(text, pos) if text[pos].isdigit() else _read_words(text, pos)


# --- context around a number -----------------------------------------------------------------------


def _window(text: str, end: int, floor: int, size: int = 40) -> tuple[str, int]:
    """The text just before ``end`` (never before ``floor``), and where it starts."""
    start = max(floor, end - size)
    return text[start:end], start


def _currency_before(text: str, pos: int, floor: int) -> tuple[str | None, int]:
    """A currency sign or code written just before the number ("$", "US$", "RUB ")."""
    window, offset = _window(text, pos, floor, 8)
    m = _CURRENCY_BEFORE.search(window)
    if m is None:
        return None, pos
    token = m.group().strip()
    code = m.group("code") or _CURRENCY_SYMBOLS.get(token.replace(" ", ""), "USD")
    return code, offset + m.start()


def _approx_before(text: str, pos: int, floor: int) -> tuple[Approx, int]:
    """A hedge written just before the number ("at least", "some", "~")."""
    window, offset = _window(text, pos, floor)
    m = _APPROX_BEFORE.search(window)
    if m is None:
        return "exact", pos
    key = m.group("sym") or " ".join(m.group().lower().split())
    return _APPROX_WORDS.get(key, "exact"), offset + m.start()


def _range_intro_before(text: str, pos: int, floor: int) -> tuple[str | None, int]:
    """ "between" or "from" just before the number: then "and"/"to" makes a range."""
    window, offset = _window(text, pos, floor, 12)
    m = _RANGE_INTRO_BEFORE.search(window)
    return (m.group("w").lower(), offset + m.start()) if m else (None, pos)


def _word_before(text: str, pos: int, floor: int) -> str:
    """The word just before ``pos`` (lower-cased), or ""."""
    window, _ = _window(text, pos, floor, 20)
    m = _WORD_BEFORE.search(window)
    return m.group("w").lower() if m else ""


def _glued_left(text: str, pos: int) -> bool:
    """The number is part of a name or code: MH17, F-16, Su-34, COVID-19."""
    if pos == 0:
        return False
    before = text[pos - 1]
    if before.isalnum() or before == "_":
        return True
    if before != "-" or pos < 2 or not text[pos - 2].isalpha():
        return False
    word = _WORD_BEFORE_HYPHEN.search(text, max(0, pos - 12), pos - 1)
    return word is None or word.group().lower() not in _CODE_PREFIXES


def _run_end(text: str, pos: int) -> int:
    """End of the code-like token at ``pos`` (letters, digits, dots, commas, hyphens)."""
    m = _RUN.match(text, pos)
    return m.end() if m else pos


def _lemma(word: str) -> str:
    """Singular of a plural noun: citizens -> citizen, countries -> country, POWs -> pow."""
    lower = word.lower()
    if lower in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[lower]
    if lower.endswith("men") and len(lower) > 4:
        return lower[:-3] + "man"
    if lower.endswith("ies") and len(lower) > 4:
        return lower[:-3] + "y"
    if lower.endswith(("ches", "shes", "sses", "xes", "zes")):
        return lower[:-2]
    return lower[:-1] if lower.endswith("s") else lower


def _is_plural(word: str) -> bool:
    """Looks like a plural noun (heuristic: -s ending, not a function word or -ss/-us/-is)."""
    lower = word.lower()
    if lower in _IRREGULAR_PLURALS:
        return True
    return (
        len(lower) > 3
        and lower.endswith("s")
        and not lower.endswith(("ss", "us", "is", "'s", "’s"))
        and lower not in _NOT_PLURAL
    )


def _counted_noun(text: str, pos: int) -> str | None:
    """The noun a count counts, when obvious: "155 Chinese citizens" -> citizen.

    Looks at up to four words after the number, skipping adjectives and capitalised words, and stops at
    punctuation or a function word. A capitalised plural ("Dozens of Indians") is used when nothing
    lower-case follows it.
    """
    fallback: str | None = None
    for index in range(4):
        m = _FOLLOWING_WORD.match(text, pos)
        if m is None:
            break
        word, pos = m.group("w"), m.end()
        lower = word.lower()
        if index == 0 and lower == "of":
            continue
        if lower in _STOP_WORDS:
            break
        if word[0].isupper():
            stem = word[:-1]
            if word.endswith("s") and len(stem) >= 2 and stem.isupper():
                return stem.lower()
            if fallback is None and _is_plural(word) and not word.isupper():
                fallback = _lemma(word)
            continue
        if _is_plural(word):
            return _lemma(word)
    return fallback


# --- building quantities ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    """A quantity being assembled from a number and its context."""

    start: int
    end: int
    value: float | None
    low: float | None
    high: float | None
    kind: Kind
    unit: str | None = None
    approx: Approx = "exact"
    alt: Quantity | None = None

    def build(self, text: str) -> Quantity:
        """The validated Quantity, its text cut from ``text`` so that text == source[start:end]."""
        return Quantity(
            text=text[self.start : self.end],
            start=self.start,
            end=self.end,
            value=self.value,
            low=self.low,
            high=self.high,
            kind=self.kind,
            unit=self.unit,
            approx=self.approx,
            alt=self.alt,
        )


def _point(start: int, end: int, value: float, kind: Kind, unit: str | None = None) -> _Draft:
    """A stated figure: low == high == value."""
    return _Draft(start, end, value, value, value, kind, unit)


def _other(start: int, end: int, unit: str | None = None) -> _Draft:
    """A numeric token that is no figure to compare (time of day, phone, id): consumed, value None."""
    return _Draft(start, end, None, None, None, "other", unit)


def _parse_date(m: re.Match[str], with_day: bool = True) -> _Draft | None:
    """A calendar date ("April 10", "Apr 9", "February 2022", "10th of April 2025")."""
    month = day = year = 0
    for part in _DATE_PARTS.finditer(m.group()):
        if part.group("month"):
            month = _MONTHS.get(part.group("month").lower(), month)
        else:
            number = int(part.group("num"))
            if len(part.group("num")) == 4:
                year = number
            else:
                day = number
    if not with_day:
        day = 0
    if not month or (with_day and not 1 <= day <= 31):
        return None
    return _point(m.start(), m.end(), float(year * 10000 + month * 100 + day), "date")


def _parse_iso(m: re.Match[str]) -> _Draft:
    """2025-04-09 (a date when the parts are valid, else an id-like token)."""
    year, month, day = (int(p) for p in m.group().split("-"))
    if 1 <= month <= 12 and 1 <= day <= 31:
        return _point(m.start(), m.end(), float(year * 10000 + month * 100 + day), "date")
    return _other(m.start(), m.end())


def _parse_vague(text: str, m: re.Match[str]) -> _Draft:
    """Dozens, thousands, several hundred, tens of thousands: an order of magnitude, not a figure."""
    words = " ".join(m.group().lower().split())
    if words in _VAGUE_PLURALS:
        low, high = _VAGUE_PLURALS[words], None
    else:
        few, scale_word = words.rsplit(" ", 1)
        scale = {**_SMALL_SCALES, **_BIG_SCALES}[scale_word]
        low, high = (f * scale for f in _FEW[few])
    draft = _Draft(m.start(), m.end(), None, low, high, "count", None, "vague")
    money = _VAGUE_MONEY_AFTER.match(text, m.end())
    if money:
        draft.kind, draft.end = "money", money.end()
        draft.unit = _currency_from_word(money.group("cw"))
    else:
        draft.unit = _counted_noun(text, m.end())
    return draft


def _currency_from_word(word: str) -> str:
    """ISO code for a currency word (rubles -> RUB)."""
    lower = " ".join(word.lower().split())
    return _CURRENCY_WORDS.get(lower) or _CURRENCY_WORDS[lower.removesuffix("s")]


@dataclass(slots=True)
class _Expr:
    """A number with what sits right around it, in reading order."""

    first: _Num
    start: int
    end: int
    currency: str | None = None
    approx: Approx = "exact"
    scale: float = 1.0
    range: tuple[float, float] | None = None  # scaled (low, high) of a range
    unit_kind: Kind | None = None
    unit: str | None = None


def _scale_after(text: str, pos: int, money: bool) -> tuple[float, int]:
    """million / billion / bn after a number; m, k, b only when attached to money ("$5m") or to a count
    of something ("5m people"; "100m race" stays metres)."""
    m = _SCALE_AFTER.match(text, pos)
    if m is None:
        return 1.0, pos
    if m.group("word"):
        return _BIG_SCALES[m.group("word").lower()], m.end()
    abbr = (m.group("abbr") or m.group("tight")).lower()
    if m.group("tight") and not money and _counted_noun(text, m.end()) is None:
        return 1.0, pos
    return _MONEY_ABBREVIATIONS[abbr], m.end()


def _range_after(text: str, expr: _Expr, intro: str | None) -> None:
    """Extend ``expr`` to a range: "3-4", "$30 to $50 billion", "between 10 and 20", "two or three"."""
    sep = _RANGE_SEP.match(text, expr.end)
    if sep is None or expr.first.ordinal:
        return
    word = (sep.group("w") or "").lower()
    if word == "and" and intro != "between":
        return
    if sep.group("dash") and (expr.first.words or not text[sep.end() : sep.end() + 1].isdigit()):
        return
    second = _read_number(text, sep.end())
    if second is None or second.ordinal or (word == "or" and expr.first.value >= 1000):
        return
    if text[second.end : second.end + 1] == ":":
        return
    high_value = second.value
    if expr.first.digits == 4 and second.digits == 2 and sep.group("dash"):
        high_value += expr.first.value - expr.first.value % 100
    scale2, end2 = _scale_after(text, second.end, expr.currency is not None)
    low = expr.first.value * expr.scale
    if expr.scale == 1.0 and scale2 != 1.0 and expr.first.value <= high_value:
        low = expr.first.value * scale2  # "$30 to $50 billion": the scale applies to both ends
    high = high_value * scale2
    if low < high:
        expr.range, expr.end = (low, high), end2


def _unit_after(text: str, expr: _Expr) -> None:
    """%, percent, rubles, days, years old... right after the number."""
    m = _UNIT_AFTER.match(text, expr.end)
    if m is None:
        return
    group = m.lastgroup
    if m.group("pct"):
        expr.unit_kind, expr.unit = "percent", "%"
    elif m.group("pp"):
        expr.unit_kind, expr.unit = "percent", "pp"
    elif m.group("age"):
        expr.unit_kind, expr.unit = "age", "year"
    elif m.group("dur"):
        unit = m.group("tu").lower()
        expr.unit_kind, expr.unit = "duration", "century" if unit.startswith("centur") else unit
    elif m.group("cur"):
        if expr.currency is not None:
            return
        expr.currency = m.group("code") or _currency_from_word(m.group("cw"))
    else:  # pragma: no cover - every alternative is named
        raise AssertionError(group)
    expr.end = m.end()


def _qualifier_after(text: str, expr: _Expr) -> None:
    """ "155+", "155 or more", "ten or so" turn a figure into a bound or an estimate."""
    if expr.approx != "exact" or expr.range is not None:
        return
    m = _QUALIFIER_AFTER.match(text, expr.end)
    if m is None:
        return
    if m.group("plus") or m.group("more"):
        expr.approx = "at_least"
    elif m.group("less"):
        expr.approx = "at_most"
    else:
        expr.approx = "about"
    expr.end = m.end()


def _bracket_after(text: str, expr: _Expr, depth: int) -> Quantity | None:
    """The bracketed equivalent after a money amount: "30,000 rubles (about $350)"."""
    if depth > 0:
        return None
    opening = _BRACKET_OPEN.match(text, expr.end)
    if opening is None:
        return None
    inner, _ = _parse_number(text, opening.end(), opening.end("open"), depth + 1)
    if inner is None or inner.kind != "money":
        return None
    closing = _BRACKET_CLOSE.match(text, inner.end)
    if closing is None:
        return None
    expr.end = closing.end()
    return inner


def _read_expression(text: str, pos: int, floor: int) -> _Expr | None:
    """The number at ``pos`` with its currency, hedge, scale, range and unit."""
    first = _read_number(text, pos)
    if first is None:
        return None
    currency, start = _currency_before(text, pos, floor)
    expr = _Expr(first, start, first.end, currency=currency)
    expr.approx, hedge_start = _approx_before(text, start, floor)
    if first.hedged and expr.approx == "exact":
        expr.approx = "about"
    intro, intro_start = _range_intro_before(text, start, floor)
    if not first.ordinal:
        expr.scale, expr.end = _scale_after(text, first.end, currency is not None)
        _range_after(text, expr, intro)
        _unit_after(text, expr)
        _qualifier_after(text, expr)
    if expr.range is not None and intro is not None:
        expr.start = intro_start
    if expr.approx != "exact":
        expr.start = min(expr.start, hedge_start)
    return expr


def _glued_right(text: str, expr: _Expr) -> _Draft | None:
    """Letters stuck to digits: a decade (1990s), a unit (100km) or an id (5G); None when clean."""
    first = expr.first
    if first.words or first.ordinal or expr.end != first.end:
        return None
    m = _LETTERS.match(text, first.end)
    if m is None:
        return None
    letters = m.group()
    if letters == "s" and first.digits == 4 and not first.grouped and not first.decimal:
        decade = first.value - first.value % 10
        return _Draft(expr.start, m.end(), None, decade, decade + 9, "year", None, "range")
    if letters in _ATTACHED_UNITS:
        return _Draft(expr.start, m.end(), first.value, first.value, first.value, "other", letters)
    return _other(expr.start, _run_end(text, first.end))


def _parse_number(text: str, pos: int, floor: int, depth: int = 0) -> tuple[Quantity | None, int]:
    """Parse the number starting at ``pos``; returns the quantity (or None) and where to resume."""
    if _glued_left(text, pos):
        return None, _run_end(text, pos)
    expr = _read_expression(text, pos, floor)
    if expr is None:
        return None, pos + 1
    glued = _glued_right(text, expr)
    if glued is not None:
        skip = glued.kind == "other" and glued.unit is None
        return (None if skip else glued.build(text)), glued.end
    alt = _bracket_after(text, expr, depth) if expr.currency else None
    draft = _classify(text, expr, floor)
    if draft is None:
        return None, expr.end
    draft.alt = alt
    return draft.build(text), draft.end


def _classify(text: str, expr: _Expr, floor: int) -> _Draft | None:
    """Decide what the number is (money, percent, age, duration, ordinal, year, count...)."""
    first = expr.first
    if first.digits > 6 and not first.grouped or first.digits > 15:
        return _other(expr.start, expr.end)
    if _ID_BEFORE.search(text, max(floor, expr.start - 8), expr.start) and not first.words:
        return _other(expr.start, expr.end)
    if first.ordinal:
        return _point(expr.start, expr.end, first.value, "ordinal")
    draft = _bounds(expr)
    if expr.currency is not None:
        draft.kind, draft.unit = "money", expr.currency
    elif expr.unit_kind is not None:
        draft.kind, draft.unit = expr.unit_kind, expr.unit
    elif _is_age(text, expr, floor):
        draft.kind, draft.unit = "age", "year"
    elif _is_year(text, expr):
        draft.kind = "year"
    else:
        draft.unit = _counted_noun(text, expr.end)
        if first.raw == "one" and not _one_is_a_number(text, expr, floor):
            return None
    return draft


def _bounds(expr: _Expr) -> _Draft:
    """value / low / high from the figure, its hedge and its range."""
    if expr.range is not None:
        return _Draft(expr.start, expr.end, None, expr.range[0], expr.range[1], "count", None, "range")
    value = expr.first.value * expr.scale
    low: float | None = value
    high: float | None = value
    if expr.approx in ("at_least", "more_than"):
        high = None
    elif expr.approx in ("at_most", "less_than"):
        low = None
    return _Draft(expr.start, expr.end, value, low, high, "count", None, expr.approx)


def _is_year(text: str, expr: _Expr) -> bool:
    """A bare four-digit number 1800-2100 is a year unless it counts something ("2000 troops")."""
    first = expr.first
    return (
        first.digits == 4
        and not first.grouped
        and not first.decimal
        and 1800 <= first.value <= 2100
        and expr.approx == "exact"
        and expr.scale == 1.0
        and (expr.range is None or 1800 <= expr.range[1] <= 2100)
        and _counted_noun(text, expr.end) is None
    )


def _is_age(text: str, expr: _Expr, floor: int) -> bool:
    """ "whose age was given as 33", "aged 33", "The second, 31," (an apposition after a person)."""
    first = expr.first
    if first.words or first.decimal or first.grouped or expr.range is not None or expr.approx != "exact":
        return False
    if not 1 <= first.value <= 120:
        return False
    window, _ = _window(text, expr.start, 0)  # context, not span: may reach into the previous quantity
    if _AGE_BEFORE.search(window):
        return True
    apposition = _APPOSITION_BEFORE.search(window)
    if apposition is None or text[expr.end : expr.end + 1] != ",":
        return False
    head = apposition.group("w")
    return head.lower() in _AGE_APPOSITION_HEADS or (head[0].isupper() and head[1:].islower())


def _one_is_a_number(text: str, expr: _Expr, floor: int) -> bool:
    """ "one" counts only when nothing makes it a pronoun ("one of the", "no one", "the one who")."""
    if expr.approx != "exact" or expr.scale != 1.0 or expr.range is not None:
        return True
    if _word_before(text, expr.start, 0) in _PRONOUN_ONE_BEFORE:
        return False
    m = _FOLLOWING_WORD.match(text, expr.end)
    if m is None:
        return False
    word = m.group("w")
    return word.lower() not in _STOP_WORDS and word.lower() != "another" and not word[0].isupper()


def _digit_shape(text: str, pos: int) -> _Draft | None:
    """A date, time of day or phone number starting at the digit run at ``pos`` (or just before it)."""
    if pos > 0 and text[pos - 1] in "+(":
        phone = _PHONE.match(text, pos - 1)
        if phone is not None and not _glued_left(text, pos - 1):
            return _other(phone.start(), phone.end())
    if (m := _DATE_DM.match(text, pos)) is not None and (date := _parse_date(m)) is not None:
        return date
    if (m := _ISO_DATE.match(text, pos)) is not None:
        return _parse_iso(m)
    if (m := _SLASH_DATE.match(text, pos)) is not None:
        return _other(m.start(), m.end())
    if (m := _TIME.match(text, pos)) is not None:
        return _other(m.start(), m.end(), "time")
    if (m := _PHONE.match(text, pos)) is not None:
        return _other(m.start(), m.end())
    return None


def _month_date(text: str, pos: int) -> _Draft | None:
    """ "April 10", "Apr 9", "February 2022" at a capitalised month name."""
    if (m := _DATE_MD.match(text, pos)) is not None and (date := _parse_date(m)) is not None:
        return date
    if (m := _DATE_MY.match(text, pos)) is not None:
        return _parse_date(m, with_day=False)
    return None


def _parse_digits_at(text: str, pos: int, floor: int) -> tuple[Quantity | None, int]:
    """A candidate digit run: a code, a date/time/phone shape, or a number."""
    if _glued_left(text, pos):
        return None, _run_end(text, pos)
    shape = _digit_shape(text, pos)
    if shape is not None:
        return shape.build(text), shape.end
    return _parse_number(text, pos, floor)


def _parse_word_at(text: str, pos: int, end: int, floor: int) -> tuple[Quantity | None, int]:
    """A candidate word: a month starting a date, a vague magnitude, or a number in words."""
    if pos > 0 and text[pos - 1].isalpha():
        return None, end
    if text[pos:end].lower() in _MONTHS:
        date = _month_date(text, pos) if text[pos].isupper() else None
        return (date.build(text), date.end) if date is not None else (None, end)
    vague = _VAGUE.match(text, pos)
    if vague is not None:
        return _parse_vague(text, vague).build(text), vague.end()
    return _parse_number(text, pos, floor)


def _lowered(text: str) -> str:
    """Lower-cased text with the same offsets (str.lower only ever lengthens, e.g. for U+0130)."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def find_quantities(text: str) -> list[Quantity]:
    """Every number mentioned in ``text``, ordered by start and non-overlapping; never raises."""
    found: list[Quantity] = []
    resume = floor = 0
    for m in _SCAN.finditer(" " + _lowered(text)):
        start = m.start()  # the candidate is at m.start() + 1 in the padded text
        if start < resume:
            continue
        if m.group("word") is None:
            quantity, resume = _parse_digits_at(text, start, floor)
        else:
            quantity, resume = _parse_word_at(text, start, m.end() - 1, floor)
        if quantity is not None:
            found.append(quantity)
            floor = quantity.end
        resume = max(resume, start + 1, floor)
    return found


# --- labels ----------------------------------------------------------------------------------------

_MARKS: dict[Approx, str] = {
    "exact": "",
    "about": "≈",
    "at_least": "≥",
    "more_than": ">",
    "at_most": "≤",
    "less_than": "<",
    "nearly": "nearly ",
    "range": "",
    "vague": "",
}
_SCALE_NAMES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def _mark(q: Quantity, spaced: bool = False) -> str:
    """The hedge sign of a label ("≥", "≈"), spaced inside a bracket: "(≈ $350)"."""
    mark = _MARKS[q.approx]
    return mark.rstrip() + " " if spaced and mark else mark


def _trim(x: float) -> str:
    """At most three decimals, without trailing zeros."""
    return f"{x:,.3f}".rstrip("0").rstrip(".")


def _fmt(x: float, cents: bool = False) -> str:
    """3,530 / 2.5 / 50 billion (scale words only when they lose nothing); money keeps its cents: 3.50."""
    if not math.isfinite(x):
        return str(x)
    for scale, name in _SCALE_NAMES:
        if abs(x) >= scale and round(x / scale, 3) * scale == x:
            return f"{_trim(x / scale)} {name}"
    if x == int(x):
        return f"{int(x):,}"
    return f"{x:,.2f}" if cents else _trim(x)


def _fmt_range(low: float, high: float) -> str:
    """3–4 / 30–50 billion (one scale word for both ends when they share it)."""
    for scale, name in _SCALE_NAMES:
        if abs(low) >= scale and abs(high) >= scale:
            a, b = _fmt(low), _fmt(high)
            if a.endswith(name) and b.endswith(name):
                return f"{a.removesuffix(' ' + name)}–{b}"
    return f"{_fmt(low)}–{_fmt(high)}"


def _amount(q: Quantity) -> str:
    """The number part of a label."""
    if q.approx == "range" and q.low is not None and q.high is not None:
        return _fmt_range(q.low, q.high)
    figure = q.value if q.value is not None else q.low if q.low is not None else q.high
    return "?" if figure is None else _fmt(figure, cents=q.kind == "money")


def _plural(unit: str, q: Quantity) -> str:
    """day -> days unless exactly one."""
    if q.value == 1 and q.approx != "range":
        return unit
    return "centuries" if unit == "century" else unit + "s"


def _label_body(q: Quantity, marked: bool = True) -> str:
    """The label without the bracketed conversion."""
    mark = _mark(q) if marked else ""
    if q.kind == "other":
        return " ".join(q.text.split())
    if q.approx == "vague" and q.kind in ("count", "money"):
        return " ".join(q.text.lower().split())
    if q.kind == "date":
        return _date_label(q.value) or q.text
    if q.kind == "ordinal" and q.value is not None and math.isfinite(q.value):
        return _ordinal_label(int(q.value))
    if q.kind == "year":
        return _amount(q).replace(",", "")
    body = _amount(q)
    if q.kind == "money":
        sign = _MONEY_MARKS.get(q.unit or "")
        body = f"{sign}{body}" if sign else f"{q.unit} {body}"
    elif q.kind == "percent":
        body += "%" if q.unit == "%" else " pp"
    elif q.kind == "duration" and q.unit:
        body += " " + _plural(q.unit, q)
    elif q.kind == "age":
        body = "age " + body
    return mark + body


def _ordinal_label(n: int) -> str:
    """70 -> 70th, 71 -> 71st, 112 -> 112th."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _date_parts(value: float | None) -> tuple[int, int, int] | None:
    """(year, month, day) from the YYYYMMDD encoding; 0 = unknown."""
    if value is None or not math.isfinite(value) or value < 0 or value >= 1e8:
        return None
    n = int(value)
    return n // 10000, n // 100 % 100, n % 100


def _date_label(value: float | None) -> str | None:
    """April 10 / February 2022 / April 10, 2025 from the YYYYMMDD encoding."""
    parts = _date_parts(value)
    if parts is None or not 1 <= parts[1] <= 12:
        return None
    year, month, day = parts
    text = _MONTH_NAMES[month - 1] + (f" {day}" if day else "")
    if year:
        text += f", {year}" if day else f" {year}"
    return text


# --- comparing -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _View:
    """A quantity in a common unit, as the interval of values it allows."""

    low: float
    high: float
    low_open: bool
    high_open: bool
    point: float | None  # the stated figure (converted), for exact / about / nearly
    approx: Approx
    label: str

    def contains(self, x: float) -> bool:
        """``x`` is allowed (respecting open ends such as "more than")."""
        above = x > self.low or (x == self.low and not self.low_open)
        below = x < self.high or (x == self.high and not self.high_open)
        return above and below


def _finite(*xs: float | None) -> bool:
    """No NaN or infinity among the given numbers (None is fine): such values are not comparable."""
    return all(x is None or math.isfinite(x) for x in xs)


def _is_round(q: Quantity) -> bool:
    """A figure of 100 or more with at most two significant digits (10,000; 150): likely rounded."""
    v = q.value
    if v is None or q.kind not in ("count", "money", "duration") or v < 100 or v != int(v):
        return False
    digits = str(int(v)).rstrip("0")
    return len(digits) <= 2


def _view(q: Quantity, factor: float = 1.0, slack: float = 0.0, label: str | None = None) -> _View | None:
    """The interval ``q`` allows, scaled by ``factor`` and widened by ``slack``; None if not numeric."""
    if not _finite(q.value, q.low, q.high, factor):
        return None
    v = q.value * factor if q.value is not None else None
    lo = q.low * factor if q.low is not None else None
    hi = q.high * factor if q.high is not None else None
    low_open = high_open = False
    if q.approx in ("exact", "about", "nearly"):
        if v is None:
            return None
        tol = HEDGE_TOLERANCE if q.approx != "exact" else ROUND_TOLERANCE if _is_round(q) else 0.0
        lo, hi = v * (1 - tol), v * (1 + tol) if q.approx != "nearly" else v
    elif q.approx in ("at_least", "more_than"):
        if lo is None:
            return None
        hi, low_open = math.inf, q.approx == "more_than"
    elif q.approx in ("at_most", "less_than"):
        if hi is None:
            return None
        lo, high_open = min(0.0, hi), q.approx == "less_than"
    elif lo is None or (q.approx == "range" and hi is None):
        return None
    hi = math.inf if hi is None else hi
    if hi < lo:
        return None
    point = v if q.approx in ("exact", "about", "nearly") else None
    return _View(lo * (1 - slack), hi * (1 + slack), low_open, high_open, point, q.approx, label or q.label())


def _overlap(a: _View, b: _View) -> bool:
    """Some value is allowed by both (a shared endpoint counts only if neither side excludes it)."""
    lo, hi = max(a.low, b.low), min(a.high, b.high)
    return lo < hi or (lo == hi and a.contains(lo) and b.contains(lo))


def _same_statement(a: Quantity, b: Quantity) -> bool:
    """Same hedge and the same stated numbers (two and 2; ten thousand and 10,000); units were checked
    before (counted nouns may be synonyms: citizens / nationals)."""
    return (
        a.approx == b.approx
        and (a.kind == "count" or a.unit == b.unit)
        and all(_close(x, y) for x, y in ((a.value, b.value), (a.low, b.low), (a.high, b.high)))
    )


def _close(x: float | None, y: float | None) -> bool:
    """Equal up to float noise (both None counts as equal)."""
    if x is None or y is None:
        return x is y
    return math.isclose(x, y, rel_tol=1e-9)


def _difference(a: _View, b: _View) -> str:
    """Plain words for how far apart two figures are."""
    x, y = _representative(a), _representative(b)
    if x is None or y is None:
        return "no overlap"
    big, small = (a, b) if x >= y else (b, a)
    hi, lo = max(x, y), min(x, y)
    if lo > 0 and hi / lo >= 2:
        return f"{big.label} is {hi / lo:.1f}× {small.label}"
    if a.point is not None and b.point is not None:
        pct = f" ({(hi - lo) / lo * 100:.1f}%)" if lo > 0 else ""
        return f"they differ by {_fmt(round(hi - lo, 6))}{pct}"
    point, bound = (a, b) if a.point is not None else (b, a)
    if point.point is None:
        return "their ranges do not overlap"
    return f"{point.label} does not fit {bound.label}"


def _representative(v: _View) -> float | None:
    """One number for a view, to say how far apart two are: the figure, else the finite bounds' mean."""
    if v.point is not None:
        return v.point
    finite = [x for x in (v.low, v.high) if math.isfinite(x)]
    return sum(finite) / len(finite) if finite else None


def _relate(a: _View, b: _View, qa: Quantity, qb: Quantity, note: str) -> Comparison:
    """agree / approx / conflict for two views in the same unit."""
    la, lb = qa.label(), qb.label()
    suffix = f" ({note})" if note else ""
    if not note and _same_statement(qa, qb):
        return Comparison(relation="agree", reason=f"same figure: {la} and {lb}")
    if _overlap(a, b):
        return Comparison(
            relation="approx", reason=f"{la} and {lb} are compatible: {_why(a, b, note)}{suffix}"
        )
    return Comparison(relation="conflict", reason=f"{la} vs {lb}: {_difference(a, b)}{suffix}")


def _why(a: _View, b: _View, note: str) -> str:
    """Why two overlapping views count as compatible."""
    for x, y in ((a, b), (b, a)):
        if x.point is not None and y.point is None and y.contains(x.point):
            verb = (
                "is consistent with"
                if y.approx == "vague"
                else "is within"
                if y.approx == "range"
                else "satisfies"
            )
            return f"{x.label} {verb} {y.label}"
    if a.point is not None and b.point is not None:
        hi, lo = max(a.point, b.point), min(a.point, b.point)
        if {a.approx, b.approx} & {"about", "nearly"}:
            slack = "a hedged figure"
        elif "convert" in note or "days" in note:
            slack = "a conversion"
        else:
            slack = "a round figure"
        gap = "the same figure" if hi == lo else f"{(hi - lo) / lo * 100:.1f}% apart" if lo > 0 else "close"
        return f"{gap}, within the slack of {slack}"
    return "their ranges overlap"


def _nouns_compatible(a: str | None, b: str | None) -> bool:
    """Same noun, synonyms, or unknown on a side: "155 citizens" and "155 nationals" count the same."""
    if a is None or b is None or a == b:
        return True
    return any(a in group and b in group for group in _NOUN_GROUPS)


def _noun_match(a: str | None, b: str | None) -> int:
    """2 same noun, 1 synonyms, 0 unknown on a side."""
    if a is None or b is None:
        return 0
    return 2 if a == b else 1


def _money_views(a: Quantity, b: Quantity) -> tuple[_View, _View, str] | Comparison:
    """Both amounts in one currency: the stated one, a bracketed conversion, or the static table."""
    if a.unit == b.unit:
        return _pair_of_views(a, b, 1.0, 1.0, "")
    forms_a, forms_b = _money_forms(a), _money_forms(b)
    shared = set(forms_a) & set(forms_b)
    for currency in sorted(shared, key=lambda c: (c != "USD", c)):
        qa, qb = forms_a[currency], forms_b[currency]
        note = f"compared in {currency} using the bracketed conversion"
        views = (_view(qa), _view(qb))
        if views[0] is not None and views[1] is not None:
            return views[0], views[1], note
    usd_a, usd_b = _to_usd(a, forms_a), _to_usd(b, forms_b)
    if usd_a is None or usd_b is None:
        missing = a.unit if usd_a is None else b.unit
        return Comparison(relation="incomparable", reason=f"no exchange rate for {missing}")
    va, vb = usd_a, usd_b
    return va, vb, "converted to USD at static early-April-2025 rates"


def _money_forms(q: Quantity) -> dict[str, Quantity]:
    """The amounts a money quantity states directly, by currency (itself and its bracketed alt)."""
    forms = {q.unit or "?": q}
    if q.alt is not None and q.alt.kind == "money" and q.alt.unit:
        forms.setdefault(q.alt.unit, q.alt)
    return forms


def _to_usd(q: Quantity, forms: dict[str, Quantity]) -> _View | None:
    """``q`` in US dollars: a stated USD form, else the static rate table (with extra slack)."""
    if "USD" in forms:
        return _view(forms["USD"], label=forms["USD"].label())
    for currency, form in forms.items():
        rate = USD_RATES.get(currency)
        if rate is not None:
            slack = FX_TOLERANCE
            usd = _rep_value(form) * rate
            return _view(
                form, rate, slack, f"{form.label()} (≈ ${_fmt(round(usd) if math.isfinite(usd) else usd)})"
            )
    return None


def _rep_value(q: Quantity) -> float:
    """One finite number for a quantity (value, else low, else high; 0 if none) for sizes and ordering."""
    for x in (q.value, q.low, q.high):
        if x is not None and math.isfinite(x):
            return x
    return 0.0


def _pair_of_views(
    a: Quantity, b: Quantity, fa: float, fb: float, note: str, slack: float = 0.0
) -> tuple[_View, _View, str] | Comparison:
    """Views of both in a shared unit (factors convert), or "incomparable" when one has no number."""
    va, vb = _view(a, fa, slack), _view(b, fb, slack)
    if va is None or vb is None:
        return Comparison(relation="incomparable", reason="one of them has no numeric value")
    return va, vb, note


def _date_compare(a: Quantity, b: Quantity) -> Comparison:
    """Dates agree when every part both give is equal; a differing part is a conflict."""
    pa, pb = _date_parts(a.value), _date_parts(b.value)
    if pa is None or pb is None:
        return Comparison(relation="incomparable", reason="a date without a readable day and month")
    names = ("year", "month", "day")
    shared = [i for i in range(3) if pa[i] and pb[i]]
    if not shared:
        return Comparison(relation="incomparable", reason="the dates give different parts")
    for i in shared:
        if pa[i] != pb[i]:
            return Comparison(relation="conflict", reason=f"{a.label()} vs {b.label()}: different {names[i]}")
    if pa == pb:
        return Comparison(relation="agree", reason=f"same date: {a.label()}")
    return Comparison(
        relation="approx", reason=f"{a.label()} and {b.label()} are compatible (one is less precise)"
    )


def _unit_views(a: Quantity, b: Quantity) -> tuple[_View, _View, str] | Comparison:
    """Check units for every kind but money and date, then build the two views."""
    if a.kind == "count" and not _nouns_compatible(a.unit, b.unit):
        return Comparison(
            relation="incomparable", reason=f"they count different things: {a.unit} vs {b.unit}"
        )
    if a.kind == "duration" and a.unit != b.unit:
        da, db = _DAYS_PER.get(a.unit or ""), _DAYS_PER.get(b.unit or "")
        if da is None or db is None:
            return Comparison(relation="incomparable", reason="durations without a known time unit")
        return _pair_of_views(a, b, da, db, "compared in days", UNIT_TOLERANCE)
    if a.kind in ("percent", "other") and a.unit != b.unit:
        return Comparison(relation="incomparable", reason=f"different units: {a.unit} vs {b.unit}")
    if a.kind == "other" and a.unit is None:
        return Comparison(relation="incomparable", reason="not a comparable figure (a time, code or id)")
    return _pair_of_views(a, b, 1.0, 1.0, "")


def compare(a: Quantity, b: Quantity) -> Comparison:
    """How two mentions relate: agree, approx (compatible), conflict, or incomparable (kinds/units).
    Memoised on what the mentions say (not where they are): evidence linking compares the same few
    figures of a story thousands of times."""
    key = (_reading(a), _reading(b))
    found = _COMPARED.get(key)
    if found is None:
        if len(_COMPARED) >= _COMPARED_MAX:
            _COMPARED.clear()
        found = _COMPARED[key] = _compare(a, b)
    return found


_COMPARED: dict[tuple[tuple[object, ...], tuple[object, ...]], Comparison] = {}
_COMPARED_MAX = 100_000


def _reading(q: Quantity) -> tuple[object, ...]:
    """Everything of a mention that a comparison reads (its offsets are not)."""
    alt = _reading(q.alt) if q.alt is not None else None
    return (q.text, q.value, q.low, q.high, q.kind, q.unit, q.approx, alt)


def _compare(a: Quantity, b: Quantity) -> Comparison:
    if a.kind != b.kind:
        return Comparison(relation="incomparable", reason=f"different kinds: {a.kind} vs {b.kind}")
    if a.kind == "date":
        return _date_compare(a, b)
    views = _money_views(a, b) if a.kind == "money" else _unit_views(a, b)
    if isinstance(views, Comparison):
        return views
    va, vb, note = views
    return _relate(va, vb, a, b, note)


# --- pairing ---------------------------------------------------------------------------------------

_RANK = {"agree": 0, "approx": 1, "conflict": 2}
_MAX_CONFLICT_RATIO = {"count": 10.0, "money": 1000.0, "percent": 1000.0, "duration": 1000.0}
"""A conflict this lopsided is more likely two different things than one misreported figure (counts are
stricter: "168 citizens" and "two captured citizens" are not the same count; "$5m" vs "$5bn" is an error)."""


def _closeness(a: Quantity, b: Quantity) -> float:
    """|log ratio| of representative values (0 = same size); large when unknown."""
    x, y = _rep_value(a), _rep_value(b)
    if a.kind == "money" and a.unit != b.unit:
        x *= USD_RATES.get(a.unit or "", 1.0)
        y *= USD_RATES.get(b.unit or "", 1.0)
    if not (x > 0 and y > 0 and math.isfinite(x) and math.isfinite(y)):
        return 0.0 if x == y else math.inf
    return abs(math.log(x) - math.log(y))


def _plausible(a: Quantity, b: Quantity, relation: str) -> bool:
    """Could the two mentions be about the same thing? Conflicts need more evidence than agreement."""
    if relation == "incomparable":
        return False
    if relation != "conflict":
        return True
    limit = _MAX_CONFLICT_RATIO.get(a.kind)
    if limit is None or _closeness(a, b) > math.log(limit):
        return False
    return a.kind != "count" or (a.unit is not None and b.unit is not None)


_Pairing = tuple[int, int, float, Comparison] | None


def _pairing(c: Quantity, e: Quantity) -> _Pairing:
    """How ``pair_quantities`` ranks a claim mention against an evidence mention of the same kind
    (relation, then counted noun, then closeness), or None when they cannot be about the same thing.
    Memoised as a whole in ``_PAIRINGS``, so the comparison is not also kept in ``compare``'s memo."""
    result = _compare(c, e)
    if not _plausible(c, e, result.relation):
        return None
    noun = _noun_match(c.unit, e.unit) if c.kind == "count" else 0
    return _RANK[result.relation], -noun, _closeness(c, e), result


_PAIRINGS: dict[tuple[tuple[object, ...], tuple[object, ...]], _Pairing] = {}
"""``_pairing`` memoised on what the two mentions say, as ``compare`` is: it reads nothing else."""


def _remember_pairing(
    key: tuple[tuple[object, ...], tuple[object, ...]], c: Quantity, e: Quantity
) -> _Pairing:
    if len(_PAIRINGS) >= _COMPARED_MAX:
        _PAIRINGS.clear()
    found = _PAIRINGS[key] = _pairing(c, e)
    return found


def pair_quantities(claim: Sequence[Quantity], evidence: Sequence[Quantity]) -> list[QuantityPair]:
    """Pairs of mentions that plausibly refer to the same thing, best first, each mention used once.

    Same kind (years, ordinals and dates never pair with counts), compatible unit (currency or counted
    noun). Agreements beat approximations beat conflicts; then a matching counted noun; then closeness.
    A conflict pairs only for counts of a named noun on both sides, money, percentages and durations.
    """
    scored: list[tuple[int, int, float, int, int, Comparison]] = []
    readings: list[tuple[object, ...]] | None = None
    for i, c in enumerate(claim):
        mine = None
        for j, e in enumerate(evidence):
            if c.kind != e.kind:
                continue
            if readings is None:
                readings = [_reading(x) for x in evidence]
            if mine is None:
                mine = _reading(c)
            key = (mine, readings[j])
            found = _PAIRINGS[key] if key in _PAIRINGS else _remember_pairing(key, c, e)
            if found is not None:
                rank, noun, closeness, result = found
                scored.append((rank, noun, closeness, i, j, result))
    if len(scored) > 1:
        scored.sort(key=lambda item: item[:5])  # (i, j) are unique, so the comparison never ties
    used_claim: set[int] = set()
    used_evidence: set[int] = set()
    pairs: list[QuantityPair] = []
    for *_, i, j, result in scored:
        if i not in used_claim and j not in used_evidence:
            used_claim.add(i)
            used_evidence.add(j)
            pairs.append(QuantityPair(claim[i], evidence[j], result.relation, result.reason))
    return pairs
