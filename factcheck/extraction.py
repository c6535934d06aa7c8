"""Find check-worthy claims in cleaned article text and explain, in words, why each one was kept.

A passage is scored by a small logistic model over features that carry over to text we have never
seen (other outlets, debate transcripts), not by rules fitted to five articles:

* what makes a statement checkable: quantities, a named speaker or source (attribution), named actors
  (capitalised runs), place and time expressions, a concrete past event, a comparison or superlative;
* what makes it not worth checking: a question, first-person opinion ("I think"), normative or hedged
  language, a bare attribution fragment ("Zelensky added."), a very short passage, procedural talk.

The weights live in ``factcheck/data/claim_model.json`` (fitted offline by ``bench/train_claim_model.py``
on the CLEF-2019 CheckThat! training split, see docs/BENCHMARKS.md); the logistic output is the score in
[0, 1]. Reasons name the evidence a reviewer can see in the text: "quantity: $3,530", "attributed to:
Lin Jian", "event: captured … in the Donetsk region".
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz

from factcheck.models import ExtractedClaim
from factcheck.quantities import Quantity, find_quantities
from factcheck.segment import Span, split_passages
from factcheck.settings import DEFAULT_SETTINGS, Settings

__all__ = ["extract_claims", "score_passage", "passage_features", "FEATURES"]

# Near-identical repeats of a claim inside one article (rapidfuzz ratio on normalised text, 0-100).
DEDUP_CUTOFF = 90.0
# At most this many quantity reasons per claim: more would bury the other reasons.
_MAX_QUANTITY_REASONS = 4

# --- vocabularies --------------------------------------------------------------------------------


def _wordset(words: str) -> frozenset[str]:
    """A set from a whitespace-separated word list (long lists read better as prose)."""
    return frozenset(words.split())


_REPORTING = (
    "said says say told tells tell announced announces denied denies deny confirmed confirms claimed "
    "claims claim reported reports added adds stated states wrote writes warned warns insisted insists "
    "accused accuses alleged alleges estimated estimates revealed reveals dismissed dismisses rejected "
    "rejects objected described describes explained explains assured assures acknowledged admitted "
    "argued argues noted notes stressed stresses suggested suggests urged urges demanded demands "
    "denounced denounces published posted recalled reiterated testified disclosed predicted promised "
    "pledged vowed boasted cited shared signalled signaled indicated declared declares conceded "
    "complained charged maintained asserted asserts emphasized emphasised concluded declined refused"
)
_REPORTING_ING = (
    "saying adding stating insisting maintaining calling recalling reiterating warning claiming noting "
    "arguing describing explaining alleging accusing denying confirming announcing"
)
_TITLE_WORDS = (
    "president minister spokesman spokeswoman spokesperson official officials secretary chancellor "
    "premier governor senator ambassador chief director leader head commander general envoy mayor "
    "prime foreign deputy vice chairman chairwoman chair member representative ministry sources source "
    "analyst analysts expert experts researcher researchers"
)
# Capitalised words that start sentences or clauses without naming anything.
_NOT_NAMES = _wordset(
    """a an the this that these those it its he she they we i you his her their our my your me us them
    in on at for and but or so if when while after before as although though since because there
    here what who whom why how where which now then also once similarly however let thank thanks
    yes no well oh of to by with from not all some many most one two three first last such speaking
    writing unlike over under even just only every each any both do does did is are was were be
    been has have had will would can could should may might must mr mrs ms dr ok okay good great
    please look folks ladies tonight today yesterday tomorrow according preliminary meanwhile still
    again instead indeed besides moreover furthermore therefore thus otherwise despite during until
    unless whether whatever whoever nobody nothing everybody everyone everything somebody someone
    something anyone anything no none more less few several another other others same own very
    really sure maybe perhaps look listen sir madam applause laughter crosstalk inaudible dozens
    hundreds thousands millions billions four five six seven eight nine ten"""
)
# "-ed" words that are usually adjectives, not events ("armed conflict", "so-called", "united").
_NOT_EVENTS = _wordset(
    """armed based united organized organised alleged limited detailed required concerned interested
    supposed advanced related involved experienced skilled talented qualified married retired tired"""
)
_SPEAKER_NOUNS = (
    _TITLE_WORDS + " government prisoner captive pow soldier police army military court agency "
    "company report study survey group party committee council ministry office embassy white"
)
_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday"
_TIME_WORDS = frozenset((_MONTHS + " " + _WEEKDAYS).split())

_IRREGULAR_PAST = (
    "sent found paid took made met left fought spoke won lost gave got built began ran came went saw "
    "brought bought sold held led struck rose fell grew hit shot caught drove flew became set put cut "
    "kept told said wrote stood fled sank spent sought taught thought threw understood withdrew "
    "overtook overran swore broke chose froze stole undertook"
)

# --- compiled patterns (once) ------------------------------------------------------------------

_VERB = r"(?:" + "|".join(sorted(_REPORTING.split(), key=len, reverse=True)) + r")"
_VERB_ING = r"(?:" + "|".join(_REPORTING_ING.split()) + r")"
# A capitalised word, an initialism ("U.S.", "U.N.") or a title with its dot ("Mr.").
_NAME_TOKEN = r"(?:[A-Z]\.(?:[A-Z]\.)+|(?:Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Gov|Lt|Col)\.|[A-Z][\w’'-]*)"
# A run of them ("Central Bureau of Investigation"); a possessive ends the run ("Moscow’s | February").
_NAME_RUN = rf"{_NAME_TOKEN}(?:(?<![’']s)\s+(?:of\s+|de\s+|al[- ])?{_NAME_TOKEN}){{0,5}}"
_ADVERBS = (
    r"(?:\s+(?:\w+ly|also|further|then|has|had|have|was|were|is|later|earlier|again|"
    rf"on\s+(?:{'|'.join(w.capitalize() for w in _WEEKDAYS.split())})))*"
)

_NAME_RUN_RE = re.compile(_NAME_RUN)
# "Lin Jian said", "Ukrainian President Volodymyr Zelensky has announced", "the foreign minister said".
_SPEAKER_FIRST = re.compile(
    rf"(?P<who>(?:{_NAME_TOKEN}[’']s\s+)?{_NAME_RUN}"
    rf"|\b[Tt]he\s+(?:[\w’'-]+\s+){{0,2}}?(?:{'|'.join(_SPEAKER_NOUNS.split())})s?)"
    rf"{_ADVERBS}\s+(?P<verb>{_VERB})\b"
)
# Inverted attribution after a quote or a comma: "..., said Foreign Ministry spokesman Lin Jian when".
_VERB_FIRST = re.compile(
    rf"(?:[,”\"’]|^)\s*(?P<verb>said|says|told|added|wrote|asked|insisted|warned|stressed)\s+"
    rf"(?:(?:{_NAME_TOKEN}|[a-z]+)\s+){{0,4}}?(?P<who>{_NAME_RUN})(?=\s*(?:[,.;:!?”\"]|$|\s(?:at|in|on|"
    rf"when|during|after|before|to|in|of|while|last|this|on)\b))"
)
_ACCORDING_TO = re.compile(
    r"\b(?i:according to)\s+(?P<who>[^,.;:!?”\"]{2,80}(?:,\s+(?:and\s+)?[A-Z][^,.;:!?”\"]{0,60}){0,4})"
)
_CLAUSE_END = r"(?=\s*[,.;:!?”\"]|\s*$|\s+(?:that|in|on|at|about|of|when|during|after|before)\b)"
_TOLD_OUTLET = re.compile(rf"\btold\s+(?P<who>{_NAME_RUN}){_CLAUSE_END}")
_PRONOUN_SAID = re.compile(rf"(?:[,”\"’]\s*|\b)(?P<who>[Hh]e|[Ss]he|[Tt]hey)\s+(?:{_VERB})\b")
_HEARSAY = _wordset("reportedly allegedly purportedly")
_OUTLET_REPORTED = re.compile(rf"(?P<who>{_NAME_RUN})\s+(?:[a-z]+\s+){{0,2}}(?:reported|said in a report)\b")
_FRAGMENT = re.compile(
    rf"^[\s“”\"‘’']*(?:(?:{_NAME_RUN}|[Hh]e|[Ss]he|[Tt]hey|[Ii]t|[Tt]he\s+\w+(?:\s+\w+)?)"
    rf"{_ADVERBS}\s+(?:{_VERB})|(?:{_VERB})\s+{_NAME_RUN})"
    rf"(?:\s+(?:reporters|journalists|the\s+\w+))?[\s.,!;:“”\"‘’']*$"
)
_PLACE = re.compile(
    rf"\b(?:in|at|from|near|into|across|outside|inside|on)\s+(?:the\s+)?(?P<place>{_NAME_RUN}"
    r"(?:\s+(?:region|province|state|city|oblast|county|district|area|front|border|territory))?)"
)
_CAP_MONTHS = [m.capitalize() for m in _MONTHS.split()]
_TIME = re.compile(
    rf"\b(?:{'|'.join(w.capitalize() for w in _WEEKDAYS.split())}"
    rf"|(?:{'|'.join(_CAP_MONTHS)})\.?\s+\d{{1,2}}\b"
    rf"|(?:[Ii]n|[Ss]ince|[Uu]ntil|[Bb]y|[Ff]rom|[Oo]f|[Ll]ast|[Ee]arly|[Ll]ate|[Mm]id-?)\s+"
    rf"(?:{'|'.join(_CAP_MONTHS[:12])})\b"
    r"|(?:19|20)\d\d\b|(?:[Ll]ast|[Tt]his|[Nn]ext|[Pp]ast|[Pp]revious)\s+"
    r"(?:year|week|month|decade|century|night|weekend)"
    r"|[Yy]esterday|(?:\d+|a|two|three|several|few)\s+(?:years?|months?|weeks?|days?|decades?)\s+ago"
    r"|[Aa]\s+day\s+(?:earlier|later|before|after)|[Ee]arlier\s+this\s+\w+)"
)
_LOWER_WORD = re.compile(r"\b[a-z]{2,}\b")
_IRREGULAR_PAST_SET = _wordset(_IRREGULAR_PAST)
_COMPARISON = re.compile(
    r"\b(?:first|only|largest|biggest|highest|lowest|smallest|greatest|fastest|worst|best|"
    r"(?<!at )most|(?<!at )least|fewest|record|unprecedented|more\s+than|less\s+than|fewer\s+than|"
    r"twice|double|doubled|tripled|"
    r"half|unlike|compared\s+(?:with|to)|since\s+(?:19|20)\d\d|ever|increase[sd]?|decrease[sd]?|"
    r"r[io]se|fell|dropped|grew|[a-z]{3,}iest|[a-z]{2,}er\s+than|worse|better)\b"
)
_QUESTION = re.compile(r"\?[\s”\"’')\]]*$")
# Matched against the lower-cased passage with straight apostrophes.
_OPINION = re.compile(
    r"\b(?:i|we)\s+(?:(?:really|just|do|don't|strongly|truly)\s+)?(?:think|believe|feel|hope|guess|"
    r"suppose|wish|want|love|like|trust|expect)\b|\bin\s+my\s+(?:view|opinion)\b|\bi'm\s+(?:sure|"
    r"confident|proud|convinced|glad|happy)\b|\bit(?:'s|\s+is)\s+(?:clear|obvious|time)\b|\bof\s+course\b"
)
_NORMATIVE = re.compile(r"\b(?:should|must|ought|needs?\s+to|ha(?:ve|s)\s+to|let'?s|let\s+us)\b")
_NORMATIVE_GATE = _wordset("should must ought need needs have has let let's lets")

# Cheap gates: a long alternation regex costs a scan per position, a set lookup on the passage's words
# does not. Each pattern runs only when a word it needs is present (5 MB in seconds, not tens).
_REPORT_WORDS = _wordset(_REPORTING + " " + _REPORTING_ING)
_REPORT_GATE = _wordset(
    _REPORTING + " " + _REPORTING_ING + " according reportedly allegedly purportedly reports"
)
_TIME_GATE = _TIME_WORDS | _wordset(
    "year week month decade century night weekend yesterday ago earlier later day"
)
_COMPARISON_GATE = _wordset(
    """first only largest biggest highest lowest smallest greatest fastest worst best most least fewest record
    unprecedented than twice double doubled tripled half unlike compared since ever increase increases
    increased decrease decreases decreased rise rose fell dropped grew worse better"""
)
_OPINION_GATE = _wordset(
    "think believe feel hope guess suppose wish want love like trust expect view opinion sure confident "
    "proud convinced glad happy clear obvious time course"
)
_HEDGE_GATE = _wordset("maybe perhaps probably possibly might seem seems apparently likely")
_EVALUATIVE = _wordset(
    """mistake disgrace disaster terrible horrible wonderful tremendous incredible amazing beautiful
    fantastic great sad shame ridiculous nonsense stupid evil crazy absurd important historic urgently"""
)
_PROCEDURAL = re.compile(
    r"^\W*(?:thank\s+you|thanks|good\s+(?:evening|morning|night|afternoon)|welcome|hello|applause|"
    r"laughter|crosstalk|inaudible|ladies\s+and\s+gentlemen|let(?:’|')s\s+(?:go|begin|start|turn|move)|"
    r"all\s+right|okay|ok|yes|no|well)\b",
    re.IGNORECASE,
)
_LEADING_CONJUNCTION = re.compile(r"^[\s“\"‘']*(?:and|but|or|so)\b", re.IGNORECASE)
_OPEN_QUOTE = re.compile(r"^[\s]*[“\"‘]")
_DEMONYM = re.compile(r"(?:ian|ese|ish|ean|can|ern)$")
_PLACE_SUFFIX = re.compile(
    r"\s(?:region|province|state|city|oblast|county|district|area|front|border|territory)$"
)
_SUBSENTENCE = re.compile(r"(?<=[.!?])[”\"’]?\s+(?=[“\"‘]?[A-Z])")
_CONTRACTION = re.compile(r"(?:’|')(?:s|re|ll|ve|d|m|t)$")
_NORMALISE = re.compile(r"[\W_]+")
# Lower-cased word tokens for the model's vocabulary; any number becomes "#" (quantities matter, not
# which quantity).
_VOCAB_TOKEN = re.compile(r"[a-z0-9$%']+")
_NUMBER_TOKEN = re.compile(r"[$]?\d")
_DIGIT = re.compile(r"\d")


# --- features --------------------------------------------------------------------------------------

FEATURES: tuple[str, ...] = (
    "quantity",
    "quantity_extra",
    "quantity_minor",
    "time",
    "attributed",
    "reporting_verb",
    "source_named",
    "entities",
    "place",
    "past_event",
    "comparison",
    "question",
    "opinion",
    "normative",
    "hedge",
    "evaluative",
    "short",
    "very_short",
    "fragment",
    "open_quote",
    "leading_conjunction",
    "procedural",
    "long",
)
_STRONG_KINDS = frozenset({"count", "money", "percent"})
_TIME_KINDS = frozenset({"year", "date"})


@dataclass
class _Assessment:
    """Feature values and the reasons that justify them, for one passage."""

    lower: str = ""
    tokens: list[str] = field(default_factory=list)
    words: frozenset[str] = frozenset()
    has_number: bool = False
    values: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)

    def add(self, name: str, value: float, reason: str | None = None) -> None:
        """Set a feature (keeping the larger value) and record a reason once."""
        self.values[name] = max(self.values.get(name, 0.0), value)
        if reason and reason not in self.reasons:
            self.reasons.append(reason)


def _clip(text: str, limit: int = 60) -> str:
    """Shorten a phrase for a reason line without cutting inside a word when possible."""
    text = " ".join(text.split()).strip(" ,;:.")
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def _bare(word: str) -> str:
    """A word without its contraction or trailing dot, lower-cased: "It’s" -> "it", "U.S." -> "u.s"."""
    if "’" in word or "'" in word:
        word = _CONTRACTION.sub("", word)
    return word.rstrip(".").lower()


def _trim_run(run: str) -> str:
    """Drop leading words that only start a sentence ("The Chinese POW" -> "Chinese POW")."""
    words = run.split()
    while words and (_bare(words[0]) in _NOT_NAMES or _bare(words[0]) in _TIME_WORDS):
        words = words[1:]
    return " ".join(words).rstrip(".,")


def _entities(sentence: str) -> list[str]:
    """Distinct capitalised runs (names of people, places, bodies, nationalities) in order.

    Why capitalisation: it works for English news and transcripts and needs no model; month and
    weekday names are time, not actors, and sentence-starting function words are not names."""
    seen: dict[str, None] = {}
    for match in _NAME_RUN_RE.finditer(sentence):
        run = _trim_run(match.group())
        if run and run != "I" and _bare(run) not in _TIME_WORDS:
            seen.setdefault(run, None)
    return list(seen)


def _speaker(who: str) -> str:
    """The speaker's name without leading titles: 'Foreign Ministry spokesman Lin Jian' -> 'Lin Jian';
    a description without a name ('the foreign minister') is kept whole."""
    words = who.split()
    if words[0].lower() == "the":
        return " ".join(["the", *words[1:]])
    titles = set(_TITLE_WORDS.split())
    if any(w.lower() not in titles for w in words[1:]):
        while len(words) > 1 and words[0].lower() in titles:
            words = words[1:]
    return " ".join(words).rstrip(".,’'")


def _according_to(phrase: str) -> str:
    """The source of an "according to" phrase, keeping a list of adjectives ("Ukrainian, South Korean,
    and Western intelligence reports") but not the clause that follows it ("..., North Korea sent")."""
    chunks = phrase.split(",")
    kept = [chunks[0]]
    for chunk in chunks[1:]:
        if len(kept[-1].split()) > 2:
            break
        kept.append(chunk)
    return ",".join(kept)


def _add_attribution(sentence: str, result: _Assessment) -> None:
    """Attribution features: a named speaker, a named outlet or report, or only a reporting verb."""
    if not result.words & _REPORT_GATE:
        return
    if result.words & _REPORT_WORDS or result.words & _HEARSAY or "according to" in result.lower:
        result.add("reporting_verb", 1.0)
    for match in _ACCORDING_TO.finditer(sentence) if "according" in result.words else ():
        who = _clip(_according_to(match.group("who")), 50)
        named = any(w[:1].isupper() for w in who.split())
        result.add(
            "source_named" if named else "reporting_verb",
            1.0,
            f"source named: {who}" if named else f"according to: {who}",
        )
    for pattern, gate in ((_TOLD_OUTLET, "told"), (_OUTLET_REPORTED, "report")):
        if gate not in result.lower:
            continue
        for match in pattern.finditer(sentence):
            who = _trim_run(match.group("who"))
            if who:
                result.add("source_named", 1.0, f"source named: {_clip(who, 50)}")
    for pattern in (_SPEAKER_FIRST, _VERB_FIRST):
        for match in pattern.finditer(sentence):
            who = match.group("who")
            if who[:1].isupper() and not re.match(r"The\s+[a-z]", who):
                who = _trim_run(who)
                if not who or _CONTRACTION.search(who):  # "China’s declared stance" is not a speaker
                    continue
            result.add("attributed", 1.0, f"attributed to: {_clip(_speaker(who), 50)}")
    if "attributed" not in result.values:
        pronoun = _PRONOUN_SAID.search(sentence)
        if pronoun:
            result.add("attributed", 0.5, f"reported speech: {pronoun.group().strip(' ,”“’')}")


def _add_quantities(sentence: str, result: _Assessment, quantities: list[Quantity] | None) -> None:
    """Quantity features from the shared quantity parser (counts, money and percentages weigh most)."""
    quantities = find_quantities(sentence) if quantities is None else quantities
    result.quantities = quantities
    strong = [q for q in quantities if q.kind in _STRONG_KINDS]
    minor = [q for q in quantities if q.kind not in _STRONG_KINDS and q.kind not in _TIME_KINDS]
    if strong:
        result.add("quantity", 1.0)
        result.add("quantity_extra", min(len(strong) - 1, 2) / 2)
    if minor:
        result.add("quantity_minor", 1.0)
    if any(q.kind in _TIME_KINDS for q in quantities):
        result.add("time", 1.0)
    # An ordinal word ("first", "second") is not a figure to check; "70th" is.
    shown = [q for q in strong + minor if q.kind != "ordinal" or any(c.isdigit() for c in q.text)]
    for q in shown[:_MAX_QUANTITY_REASONS]:
        result.reasons.append(f"quantity: {q.text}")


def _place(sentence: str) -> re.Match[str] | None:
    """The first prepositional place phrase ("in the Donetsk region", "in Kyiv"), skipping dates and
    nationality adjectives ("in the Russian army" names an actor, not a place)."""
    for match in _PLACE.finditer(sentence):
        place = match.group("place")
        first = _bare(place.split()[0])
        if first in _TIME_WORDS or first in _NOT_NAMES:
            continue
        if _DEMONYM.search(place.rstrip(".")) and not _PLACE_SUFFIX.search(place):
            continue
        return match
    return None


def _is_past(word: str) -> bool:
    """A past-tense or participle form that can report an event ("captured", "sent"), not an adjective."""
    regular = len(word) > 3 and word.endswith("ed")
    return (regular or word in _IRREGULAR_PAST_SET) and word not in _NOT_EVENTS


def _event_verb(
    sentence: str, words: frozenset[str], anchor: re.Match[str] | None
) -> tuple[str, bool] | None:
    """The past-tense verb that reports the event and whether it is a doing (not a saying) verb;
    a doing verb is preferred and, when there is a place or time, the one closest before it
    ("followed reports that troops had captured two fighters in the Donetsk region" -> "captured")."""
    past = {w for w in words if (w[-2:] == "ed" or w in _IRREGULAR_PAST_SET) and _is_past(w)}
    if not past:
        return None
    found = [m for m in _LOWER_WORD.finditer(sentence) if m.group() in past]
    doing = [m for m in found if m.group() not in _REPORT_GATE]
    candidates = doing or found
    if not candidates:
        return None
    before = [m for m in candidates if anchor is not None and m.end() <= anchor.start()]
    return (before[-1] if before else candidates[0]).group(), bool(doing)


def _add_context(sentence: str, result: _Assessment) -> None:
    """Actors, place, time, events and comparisons: what makes a statement concrete enough to check."""
    entities = _entities(sentence)
    if entities:
        result.add("entities", min(len(entities), 4) / 4, f"named: {', '.join(entities[:4])}")
    gated = result.words & _TIME_GATE or "19" in sentence or "20" in sentence
    time = _TIME.search(sentence) if gated else None
    if time:
        result.add("time", 1.0, f"time: {time.group()}")
    place = _place(sentence)
    if place:
        result.add("place", 1.0)
    anchor = place or time
    event = _event_verb(sentence, result.words, anchor)
    if event:
        verb, doing = event
        result.add("past_event", 1.0)
        if anchor and doing:  # "said … on Tuesday" is attribution, already explained
            result.reasons.append(f"event: {verb} … {_clip(anchor.group(), 50)}")
    gated = result.words & _COMPARISON_GATE or "iest" in sentence
    comparison = _COMPARISON.search(result.lower) if gated else None
    if comparison:
        result.add("comparison", 1.0, f"comparison/superlative: {comparison.group().lower()}")


def _add_discounts(sentence: str, result: _Assessment) -> None:
    """What lowers check-worthiness: questions, opinion, hedges, fragments, procedure, brevity."""
    words = len(result.tokens)
    checks: tuple[tuple[str, bool, str], ...] = (
        ("question", bool(_QUESTION.search(sentence)), "question"),
        ("opinion", bool(result.words & _OPINION_GATE and _OPINION.search(result.lower)), "opinion marker"),
        ("normative", bool(result.words & _NORMATIVE_GATE and _NORMATIVE.search(result.lower)), "normative"),
        ("hedge", bool(result.words & _HEDGE_GATE), "hedged"),
        ("evaluative", bool(result.words & _EVALUATIVE), "evaluative language"),
        ("fragment", bool(_FRAGMENT.match(sentence)), "attribution fragment"),
        ("procedural", bool(_PROCEDURAL.match(sentence)), "procedural"),
        ("leading_conjunction", bool(_LEADING_CONJUNCTION.match(sentence)), ""),
        ("short", words < 8, ""),
        ("very_short", words < 4, ""),
    )
    for name, present, reason in checks:
        if present:
            result.add(name, 1.0, f"against: {reason}" if reason else None)
    if _OPEN_QUOTE.match(sentence) and "attributed" not in result.values:
        result.add("open_quote", 1.0)
    result.add("long", min(words, 60) / 60)


def _word_key(token: str) -> str:
    """A vocabulary key: the lower-cased word, or "#" for any number (which number is not the point)."""
    return "#" if _NUMBER_TOKEN.match(token) else token


def _features(sentence: str, quantities: list[Quantity] | None = None) -> _Assessment:
    """All named features and reasons of one passage (``quantities`` when already parsed)."""
    lower = sentence.lower().replace("’", "'")
    tokens = _VOCAB_TOKEN.findall(lower)
    words = frozenset(tokens)
    has_number = any(_NUMBER_TOKEN.match(t) for t in words) if _DIGIT.search(lower) else False
    result = _Assessment(lower=lower, tokens=tokens, words=words, has_number=has_number)
    _add_quantities(sentence, result, quantities)
    _add_attribution(sentence, result)
    _add_context(sentence, result)
    _add_discounts(sentence, result)
    return result


def passage_features(sentence: str) -> tuple[dict[str, float], list[str], list[Quantity]]:
    """Feature values in [0, 1], reasons and quantities for one passage (the training script uses it).

    Named features are listed in FEATURES. Binary word features are keyed "w:<word>": the model's
    vocabulary captures wording the named features miss ("percent", "voted" vs "thank", "folks");
    they give no reason line, since a single word is not an explanation a reviewer can use."""
    result = _features(sentence)
    values = dict(result.values)
    values.update({"w:" + _word_key(t): 1.0 for t in result.words})
    return values, result.reasons, result.quantities


# --- the model ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Model:
    """Logistic weights over FEATURES and the vocabulary; score = sigmoid(bias + sum(weight * value))."""

    bias: float
    weights: dict[str, float]
    words: dict[str, float] = field(default_factory=dict)

    def score(self, result: _Assessment) -> float:
        """Probability-like check-worthiness in [0, 1]."""
        z = self.bias + sum(self.weights.get(name, 0.0) * v for name, v in result.values.items())
        # Number tokens are not in the vocabulary ("#" stands for all of them, counted once).
        z += sum(self.words.get(t, 0.0) for t in result.words)
        if result.has_number:
            z += self.words.get("#", 0.0)
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))


@lru_cache(maxsize=1)
def _model() -> _Model:
    """Load the shipped weights once (package data, so it works from a wheel and needs no network)."""
    raw = json.loads(resources.files("factcheck").joinpath("data/claim_model.json").read_text("utf-8"))
    return _Model(
        bias=float(raw["bias"]),
        weights={k: float(v) for k, v in raw["weights"].items()},
        words={k: float(v) for k, v in raw.get("words", {}).items()},
    )


def _order(reasons: list[str]) -> list[str]:
    """Evidence for the claim first, then what counted against it."""
    return [r for r in reasons if not r.startswith("against:")] + [
        r for r in reasons if r.startswith("against:")
    ]


def _parts(passage: str) -> list[tuple[int, int]]:
    """(start, end) of the sentences inside a passage that holds several (a long quotation)."""
    bounds = [0] + [m.end() for m in _SUBSENTENCE.finditer(passage)] + [len(passage)]
    return [(a, b) for a, b in itertools.pairwise(bounds) if b > a]


def _assess(passage: str) -> tuple[float, list[str], list[Quantity]]:
    """Score, reasons and quantities of one passage.

    A passage of several sentences (a long quotation) is as check-worthy as its most check-worthy
    sentence: "This is a mistake. North Koreans fought in Kursk." holds a checkable claim even though
    the passage as a whole also carries opinion."""
    model = _model()
    whole = _features(passage)
    score, reasons = model.score(whole), whole.reasons
    parts = _parts(passage)
    for start, end in parts if len(parts) > 1 else ():
        inside = [q for q in whole.quantities if start <= q.start and q.end <= end]
        part = _features(passage[start:end], inside)
        part_score = model.score(part)
        if part_score > score:
            score = part_score
            kinds = {r.split(":", 1)[0] for r in reasons}
            reasons += [r for r in part.reasons if r.split(":", 1)[0] not in kinds | {"against"}]
    return round(score, 4), _order(reasons), whole.quantities


def score_passage(sentence: str) -> tuple[float, list[str]]:
    """Check-worthiness of one passage in [0, 1] and human-readable reasons for it."""
    score, reasons, _ = _assess(sentence)
    return score, reasons


# --- extraction --------------------------------------------------------------------------------------


def _open_quotes(passage: str) -> int:
    """How many quotations the passage leaves open (curly quotes counted, straight quotes by parity)."""
    curly = passage.count("“") - passage.count("”")
    straight = passage.count('"') % 2
    return max(curly, 0) + straight


def _is_attributed(passage: str) -> bool:
    """True when the passage names who said it (a speaker pattern or 'according to')."""
    return bool(
        _SPEAKER_FIRST.search(passage) or _VERB_FIRST.search(passage) or _ACCORDING_TO.search(passage)
    )


def _groups(text: str, body: Sequence[Span]) -> Iterator[tuple[int, int]]:
    """(start, end) of candidate claims: single passages, or adjacent passages of one paragraph merged
    when a quotation runs on into its attribution or a bare attribution fragment follows the quote.

    Why merge at all: "“...” / “... ,” he said." or "“...” Zelensky added." is one statement by
    one speaker; scoring the halves separately loses the speaker on one side and the content on the
    other.
    Paragraphs never merge: a new line is a new statement in every source we have seen."""
    i = 0
    while i < len(body):
        end = _merge_end(text, body, i)
        yield body[i].start, body[end].end
        i = end + 1


def _merge_end(text: str, body: Sequence[Span], i: int) -> int:
    """Index of the last passage that belongs with passage ``i`` (``i`` itself when nothing merges)."""
    first = text[body[i].start : body[i].end]
    nxt = i + 1
    same = nxt < len(body) and body[nxt].paragraph == body[i].paragraph
    if not same:
        return i
    following = text[body[nxt].start : body[nxt].end]
    if _FRAGMENT.match(following) and not _is_attributed(first):
        return nxt
    if _open_quotes(first) and not _is_attributed(first):
        j = nxt
        while j < len(body) and body[j].paragraph == body[i].paragraph:
            piece = text[body[j].start : body[j].end]
            if _open_quotes(piece) or "”" in piece or '"' in piece:
                return j if _is_attributed(piece) else i
            j += 1
    return i


def _dedup_key(passage: str) -> str:
    """Lower-case alphanumeric skeleton: repeats that differ only in quotes or spacing collide."""
    return _NORMALISE.sub(" ", passage.lower()).strip()


class _Seen:
    """Claims already kept in this article, for near-duplicate checks without a quadratic scan.

    Exact skeletons hit a set; fuzzy candidates must share the skeleton's first or last 20 characters,
    which a near-identical repeat (a word inserted or changed elsewhere, different quotes) keeps."""

    _EDGE = 20

    def __init__(self) -> None:
        self.exact: set[str] = set()
        self.blocks: dict[str, list[str]] = {}

    def _block_keys(self, key: str) -> tuple[str, str]:
        return "<" + key[: self._EDGE], ">" + key[-self._EDGE :]

    def seen(self, passage: str) -> bool:
        """True when the passage repeats a kept claim (exactly or nearly)."""
        key = _dedup_key(passage)
        if key in self.exact:
            return True
        for block in self._block_keys(key):
            for other in self.blocks.get(block, ()):
                if fuzz.ratio(key, other, score_cutoff=DEDUP_CUTOFF):
                    return True
        return False

    def add(self, passage: str) -> None:
        """Remember a kept claim (or a headline, which a body sentence may not repeat as a claim)."""
        key = _dedup_key(passage)
        self.exact.add(key)
        for block in self._block_keys(key):
            self.blocks.setdefault(block, []).append(key)


def _claim(text: str, start: int, end: int) -> ExtractedClaim:
    """Build the claim for ``text[start:end]`` with its score, reasons and quantities."""
    passage = text[start:end]
    score, reasons, quantities = _assess(passage)
    return ExtractedClaim(
        text=passage,
        start=start,
        end=end,
        score=score,
        reasons=reasons,
        quantities=[q.model_dump() for q in quantities],
    )


def extract_claims(
    text: str, settings: Settings = DEFAULT_SETTINGS, spans: list[Span] | None = None
) -> list[ExtractedClaim]:
    """Check-worthy claims of a cleaned article, in text order, with exact offsets into ``text``.

    Only body passages are considered (headlines, headings and boilerplate never are); a claim that
    repeats an earlier one, or the headline, is dropped so that a desk reviews it once."""
    spans = split_passages(text) if spans is None else spans
    seen = _Seen()
    for span in spans:
        if span.kind == "headline":
            seen.add(text[span.start : span.end])
    body = [s for s in spans if s.kind == "body"]
    claims: list[ExtractedClaim] = []
    for start, end in _groups(text, body):
        claim = _claim(text, start, end)
        if claim.score < settings.claim_threshold or seen.seen(claim.text):
            continue
        seen.add(claim.text)
        claims.append(claim)
    return claims
