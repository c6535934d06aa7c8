"""A deterministic synthetic news corpus for the evidence-linking benchmark.

Articles of about 25 sentences on varied topics. Matching is made non-trivial on purpose:

* news cycles: article ``i`` reports events from a window of recent events, so each event is reported
  by several outlets, each in its own words (templates, synonyms, number formats such as "11,400",
  "some 11,400", "more than 11,000");
* about one report in eight gives a different figure for the event (a conflict to flag);
* entities are shared across topics (the same minister, city or agency appears in unrelated events,
  popular ones far more often: a Zipf-like draw from pools of thousands of generated names, so the
  vocabulary has the long tail of real news), numbers repeat (round figures, years), and filler
  sentences reuse the topic's vocabulary;
* each event has a distinctive detail (a programme, a site, a vessel) that some of its reports name,
  as real reports of one event share a few rare words;
* page furniture (advertisement lines, credits) is mixed in, as in real pages.

Everything derives from ``random.Random`` seeded per article and per event, so article ``i`` is the
same whatever the corpus size (a 250-article corpus is a prefix of the 1,000-article one) and
``article(n)`` is a realistic *next* article for a corpus of ``n``.

Each article carries its ground truth: which sentence reports which event (``facts``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20250409
EVENTS_PER_ARTICLE = 1.0  # new events per article
EVENTS_DRAWN = (
    5  # events an article reports: each event is reported by ~EVENTS_DRAWN / EVENTS_PER_ARTICLE outlets
)
WINDOW = 40  # an article draws its events from the latest WINDOW events (a news cycle)


def _words(text: str) -> list[str]:
    """The whitespace-separated words of a literal."""
    return text.split()


FIRST = _words("""Anna Boris Carla Dmitri Elena Farid Grace Hiro Ines Jonas Kofi Lena Marco Nadia Omar Petra Quentin
Rosa Samir Tara Umar Vera Wei Yara Zoltan Amara Bruno Chiara Diego Esme Felix Gita Hugo Irina Jamal Kasia Luis
Maya Nikos Olga""")
LAST = _words("""Abbott Baranov Castillo Dimitrov Eriksen Fischer Gallo Haddad Ivanova Jansen Kowalski Lindqvist Moreau
Nakamura Okafor Petrov Quinn Rossi Schmidt Tanaka Usman Varga Wagner Xu Yilmaz Zhang Almeida Brennan Costa Dubois
Esposito Ferreira Gruber Horvat Ibrahim Jovanovic Keller Laurent Mendes Novak Ortega Popescu Reyes Silva Torres
Urban Vidal Weiss Young Zielinski""")
PLACES = _words("""Aldport Brevik Castellan Dunmore Eastwick Farrowby Glenholt Harlow Ironbridge Juniper Kestrel Larkspur
Millbrook Northgate Oakridge Pinecrest Queensferry Riverton Saltmarsh Thornbury Upton Valeport Westmoor Yarrow
Zennor Ashford Bramble Coldwater Drayton Elmstead""")
ORGS = [
    "the health ministry",
    "the finance ministry",
    "the electoral commission",
    "the national bank",
    "the transport authority",
    "the water board",
    "the energy regulator",
    "the statistics office",
    "the coast guard",
    "the police",
    "the teachers' union",
    "the farmers' federation",
    "the port authority",
    "the housing agency",
    "the weather service",
    "the football league",
    "the university council",
    "the chamber of commerce",
    "the defence ministry",
    "the environment agency",
]
SYLLABLES = _words("""ka lo ven dra mi sor tal bre nu quin ro zel ash fen gor hal ix jun mar pel rik sta tor ul
vas wen yor bel cor dun el fa gri hem ist jo kel lum mor nia os pra qua rel sen tiv urs vel wy xan yel zor""")
PLACE_ENDINGS = ["ford", "ton", "vale", "mouth", "field", "bury", "stead", "wick", "holm", "gate"]
INSTITUTIONS = [
    "city council",
    "water board",
    "health trust",
    "port authority",
    "transport agency",
    "police department",
    "school board",
    "chamber of commerce",
    "housing agency",
    "energy cooperative",
    "farmers' union",
    "football club",
    "university",
    "district court",
    "fire service",
]
DETAILS = [
    "under the {} programme",
    "at the {} site",
    "near the {} junction",
    "aboard the {}",
    "in the {} district",
    "as part of Operation {}",
    "at the {} plant",
    "through the {} scheme",
]


def _coined(rnd: random.Random, syllables: tuple[int, int] = (2, 3)) -> str:
    """A made-up proper name ("Velmorka"): thousands of them give the vocabulary a realistic long tail."""
    return "".join(rnd.choice(SYLLABLES) for _ in range(rnd.randint(*syllables))).capitalize()


def _pool(kind: str, size: int, make: Callable[[random.Random], str]) -> list[str]:
    rnd = random.Random(f"{SEED}-{kind}")
    return list(dict.fromkeys(make(rnd) for _ in range(size)))


PEOPLE = _pool("people", 4000, lambda r: f"{r.choice(FIRST)} {_coined(r)}")
TOWNS = _pool("towns", 800, lambda r: _coined(r, (1, 2)) + r.choice(PLACE_ENDINGS))


def _zipf(rnd: random.Random, items: list[str]) -> str:
    """A popular item far more often than a rare one, like names in the news: the top 1% of a pool
    takes about 16% of the draws, the top 10% about 40%."""
    return items[int(len(items) * rnd.random() ** 2.5)]


DAYS = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "at the weekend", "last week"]

# topic: (verbs as (active, passive) pairs, units, nouns for fillers)
TOPICS: dict[str, tuple[list[tuple[str, str]], list[str], list[str]]] = {
    "health": (
        [("vaccinated", "vaccinated"), ("treated", "treated"), ("admitted", "admitted")],
        ["patients", "children", "nurses", "hospital beds"],
        ["clinic", "vaccine", "outbreak", "waiting list", "ward", "doctor"],
    ),
    "economy": (
        [("cut", "cut"), ("created", "created"), ("lost", "lost")],
        ["jobs", "contracts", "businesses", "loans"],
        ["inflation", "budget", "tariff", "exports", "interest rate", "market"],
    ),
    "elections": (
        [("registered", "registered"), ("counted", "counted"), ("rejected", "rejected")],
        ["ballots", "voters", "candidates", "polling stations"],
        ["campaign", "turnout", "coalition", "recount", "ballot", "debate"],
    ),
    "transport": (
        [("cancelled", "cancelled"), ("repaired", "repaired"), ("ordered", "ordered")],
        ["trains", "buses", "flights", "bridges"],
        ["timetable", "strike", "fare", "rail line", "commuter", "motorway"],
    ),
    "weather": (
        [("evacuated", "evacuated"), ("flooded", "flooded"), ("damaged", "damaged")],
        ["homes", "residents", "farms", "roads"],
        ["storm", "rainfall", "flood warning", "drought", "heatwave", "river level"],
    ),
    "energy": (
        [("connected", "connected"), ("shut down", "shut down"), ("installed", "installed")],
        ["households", "wind turbines", "megawatts", "solar panels"],
        ["grid", "blackout", "gas price", "power plant", "pipeline", "battery"],
    ),
    "crime": (
        [("arrested", "arrested"), ("seized", "seized"), ("charged", "charged")],
        ["suspects", "vehicles", "kilograms of cocaine", "firearms"],
        ["investigation", "court", "smuggling", "raid", "trial", "border"],
    ),
    "education": (
        [("enrolled", "enrolled"), ("hired", "hired"), ("closed", "closed")],
        ["pupils", "teachers", "schools", "scholarships"],
        ["curriculum", "exam", "classroom", "tuition", "campus", "graduates"],
    ),
    "sport": (
        [("sold", "sold"), ("fined", "fined"), ("signed", "signed")],
        ["tickets", "players", "clubs", "season passes"],
        ["stadium", "transfer", "derby", "championship", "coach", "league table"],
    ),
    "environment": (
        [("planted", "planted"), ("protected", "protected"), ("cleared", "cleared")],
        ["trees", "hectares", "tonnes of plastic", "nesting sites"],
        ["wetland", "emissions", "reserve", "pollution", "coastline", "species"],
    ),
}
SYNONYMS = {
    "said": ["said", "told reporters", "announced", "confirmed", "stated"],
    "officials": ["officials", "authorities", "a spokesperson", "government sources"],
}


def _fmt(n: int) -> str:
    return f"{n:,}"


@dataclass(frozen=True)
class Event:
    """One fact that several outlets report: who did what to how many, where and when."""

    id: int
    topic: str
    person: str
    org: str
    place: str
    verb: tuple[str, str]
    unit: str
    number: int
    day: str
    detail: str


def event(index: int, seed: int = SEED) -> Event:
    """The event with this id (deterministic)."""
    rnd = random.Random(f"{seed}-event-{index}")
    topic = rnd.choice(sorted(TOPICS))
    verbs, units, _ = TOPICS[topic]
    magnitude = rnd.choice([10, 100, 1_000, 10_000])
    number = rnd.randint(12, 99) * magnitude // 10 + rnd.choice([0, 0, 0, rnd.randint(1, 9)])
    town = _zipf(rnd, TOWNS)
    org = f"the {_zipf(rnd, TOWNS)} {rnd.choice(INSTITUTIONS)}" if rnd.random() < 0.6 else rnd.choice(ORGS)
    return Event(
        index,
        topic,
        _zipf(rnd, PEOPLE),
        org,
        town,
        rnd.choice(verbs),
        rnd.choice(units),
        number,
        rnd.choice(DAYS),
        rnd.choice(DETAILS).format(_coined(rnd)),
    )


def _number_text(rnd: random.Random, n: int) -> str:
    """The figure as an outlet might print it."""
    round_down = int(str(n)[:2].ljust(len(str(n)), "0")) if n >= 100 else n
    return rnd.choice(
        [
            _fmt(n),
            _fmt(n),
            f"some {_fmt(n)}",
            f"about {_fmt(round_down)}",
            f"more than {_fmt(round_down)}" if round_down < n else f"at least {_fmt(n)}",
        ]
    )


def _fact_sentence(rnd: random.Random, e: Event, number: int) -> str:
    """One outlet's sentence reporting the event."""
    num, said, officials = (
        _number_text(rnd, number),
        rnd.choice(SYNONYMS["said"]),
        rnd.choice(SYNONYMS["officials"]),
    )
    org = e.org[0].upper() + e.org[1:]
    detail = f" {e.detail}" if rnd.random() < 0.6 else ""
    templates = [
        f"{e.person} {said} that {e.org} had {e.verb[0]} {num} {e.unit} in {e.place}{detail} {e.day}.",
        f"According to {e.org}, {num} {e.unit} were {e.verb[1]} in {e.place}{detail} {e.day}, {e.person} {said}.",
        f"{org} {e.verb[0]} {num} {e.unit} across {e.place}{detail}, {officials} said {e.day}.",
        f"In {e.place}, {num} {e.unit} have been {e.verb[1]}{detail}, {e.person} of {e.org} {said} {e.day}.",
        f"\u201cWe have {e.verb[0]} {num} {e.unit} in {e.place}{detail},\u201d {e.person} {said}.",
        f"Figures released by {e.org} {e.day} show {num} {e.unit} {e.verb[1]} in {e.place}{detail}.",
    ]
    return rnd.choice(templates)


def _filler(rnd: random.Random, topic: str, people: list[str], place: str) -> str:
    """A sentence on the topic that reports no event (context, colour, reaction)."""
    nouns = TOPICS[topic][2]
    noun, other = rnd.sample(nouns, 2)
    person = rnd.choice(people)
    year = rnd.choice([2019, 2020, 2021, 2022, 2023])
    return rnd.choice(
        [
            f"The {noun} has been a source of friction in {place} since {year}.",
            f"Critics say the {noun} plan does little to address the {other}.",
            f"{person} did not respond to a request for comment on the {noun}.",
            f"Residents of {place} have long complained about the {other}.",
            f"Analysts expect the {noun} to dominate the debate over the {other} next year.",
            f"\u201cThis is about the {noun}, not about politics,\u201d {person} said.",
            f"The opposition called for an inquiry into the {noun} and the {other}.",
            f"Several groups in {place} said the {other} would be discussed again in the spring.",
            f"{person}, who has followed the {noun} for years, expects little change before {year + 3}.",
            f"Earlier reports on the {noun} in {place} drew a sharp response from {person}.",
            f"The {other} was not on the agenda when the council of {place} met.",
            f"Supporters of the {noun} argue that the {other} matters more to voters in {place}.",
            f"It is not the first time the {noun} has divided opinion in {place}.",
            f"{person} has previously described the {other} as a priority.",
            f"A petition on the {noun} gathered signatures across {place} within days.",
            f"Few details of the {noun} have been made public so far.",
        ]
    )


@dataclass
class Article:
    """A generated article, with which of its sentences report which event."""

    name: str
    text: str
    facts: dict[str, int] = field(default_factory=dict)  # sentence -> event id
    conflicts: dict[str, int] = field(default_factory=dict)  # sentences giving a different figure


def article(index: int, seed: int = SEED) -> Article:
    """The ``index``-th article of the corpus (deterministic, independent of the corpus size)."""
    rnd = random.Random(f"{seed}-article-{index}")
    newest = int(index * EVENTS_PER_ARTICLE) + EVENTS_DRAWN
    oldest = max(0, newest - WINDOW)
    events = [event(i, seed) for i in rnd.sample(range(oldest, newest), k=EVENTS_DRAWN)]
    lead = events[0]
    people = [e.person for e in events] + [_zipf(rnd, PEOPLE) for _ in range(3)]
    facts: dict[str, int] = {}
    conflicts: dict[str, int] = {}
    sentences: list[str] = []
    for e in events:
        for _ in range(rnd.choice([1, 2, 2, 3])):
            number = (
                e.number if rnd.random() > 0.125 else e.number * rnd.choice([2, 3, 5]) // rnd.choice([1, 4])
            )
            s = _fact_sentence(rnd, e, number)
            if s in facts:
                continue
            facts[s] = e.id
            if number != e.number:
                conflicts[s] = e.id
            sentences.append(s)
    while len(sentences) < 25:
        sentences.insert(rnd.randrange(1, len(sentences) + 1), _filler(rnd, lead.topic, people, lead.place))
    headline = f"{lead.org[4:].title()} {lead.verb[0]} {_fmt(lead.number)} {lead.unit} in {lead.place}"
    paragraphs, i = [], 0
    while i < len(sentences):
        size = rnd.choice([1, 2, 2, 3])
        paragraphs.append(" ".join(sentences[i : i + size]))
        i += size
    if rnd.random() < 0.5:
        paragraphs.insert(rnd.randrange(2, len(paragraphs)), "Advertisement")
    paragraphs.append(f"Reporting by {rnd.choice(FIRST)} {rnd.choice(LAST)}; editing by {rnd.choice(LAST)}")
    text = headline + "\n\n" + "\n\n".join(paragraphs) + "\n"
    return Article(f"{index:06d}-{lead.topic}-{lead.place.lower()}.txt", text, facts, conflicts)


def corpus(n: int, seed: int = SEED) -> list[Article]:
    """The first ``n`` articles."""
    return [article(i, seed) for i in range(n)]


def write(articles: list[Article], folder: Path) -> list[Path]:
    """Write articles as UTF-8 text files; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for a in articles:
        path = folder / a.name
        path.write_text(a.text, encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    import sys

    sample = article(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    print(sample.name)
    print(sample.text)
    print({s[:60]: e for s, e in sample.facts.items()})
