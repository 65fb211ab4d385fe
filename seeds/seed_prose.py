"""Policy prose for the demo PDFs: sentence templates filled from per-topic word banks, drawn by
a random generator seeded per publication, so every page reads differently and every run writes
the same text."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Bank:
    actors: tuple[str, ...]  # singular: "{Actor} has ..."
    things: tuple[str, ...]  # plural noun phrases: "{thing} work best ..."
    problems: tuple[str, ...]
    goals: tuple[str, ...]
    places: tuple[str, ...]  # where officials can be interviewed


def _bank(actors: str, things: str, problems: str, goals: str, places: str) -> Bank:
    def split(text: str) -> tuple[str, ...]:
        return tuple(item.strip() for item in text.split(";"))

    return Bank(split(actors), split(things), split(problems), split(goals), split(places))


BANKS: dict[str, Bank] = {
    "defense": _bank(
        "the Pentagon; Congress; the Joint Staff; the National Security Council; NATO; Washington",
        "force posture reviews; long-range strike programs; integrated air and missile defenses; "
        "forward-deployed forces; joint exercises; command-and-control networks",
        "munitions shortfalls; readiness gaps; a strained recruiting pipeline; slow "
        "modernization; the erosion of conventional deterrence",
        "credible deterrence; force readiness; interoperability with allies; deterrence by denial",
        "Honolulu; Warsaw; Okinawa; Bahrain; Norfolk; Canberra",
    ),
    "defense-industry": _bank(
        "the Pentagon's acquisition office; Seoul's Defense Acquisition Program Administration; "
        "the Office of Strategic Capital; Congress; Washington; the European Defence Agency",
        "co-production agreements; reciprocal defense procurement agreements; security of supply "
        "arrangements; multiyear procurement contracts; ship repair yards; solid rocket motor "
        "lines; long-lead components",
        "single points of failure in the supplier base; slow export licensing; shortages of "
        "skilled welders and machinists; stop-start demand signals; thin margins for second-tier "
        "suppliers; technology transfer restrictions",
        "surge production capacity; a resilient industrial base; predictable demand; faster "
        "fielding of new systems",
        "Changwon; Ulsan; Huntsville; Scranton; Tucson; Mobile",
    ),
    "nonproliferation": _bank(
        "the International Atomic Energy Agency; the Nuclear Suppliers Group; the State "
        "Department; the UN Security Council; the E3 group of European states",
        "safeguards agreements; enrichment limits; export control lists; verification missions; "
        "confidence-building measures",
        "the erosion of arms control agreements; undeclared enrichment activity; growing "
        "fissile material stockpiles; the risk of a proliferation cascade",
        "a strengthened nonproliferation regime; verifiable limits; strategic stability; "
        "peaceful uses of nuclear energy",
        "Vienna; Riyadh; Abu Dhabi; Seoul; New Delhi; Geneva",
    ),
    "alliances": _bank(
        "Washington; Tokyo; Canberra; the State Department; NATO; Seoul",
        "burden-sharing agreements; trilateral consultations; status of forces agreements; "
        "joint planning mechanisms; minilateral groupings",
        "uneven threat perceptions; political turnover in allied capitals; free-rider "
        "concerns; the coordination costs of working by consensus",
        "alliance cohesion; credible collective defense; a fair division of labor; shared "
        "situational awareness",
        "Brussels; Canberra; Manila; Vilnius; Tokyo; Seoul",
    ),
    "indo-pacific": _bank(
        "Beijing; Tokyo; New Delhi; ASEAN; Canberra; Manila",
        "maritime domain awareness programs; port investments; coast guard partnerships; "
        "regional economic frameworks; freedom of navigation operations",
        "gray-zone coercion in the South China Sea; economic dependence on China; "
        "underinvestment in regional institutions; contested maritime claims",
        "a free and open Indo-Pacific; regional stability; resilient supply chains; a durable "
        "balance of power",
        "Manila; Hanoi; Jakarta; New Delhi; Port Moresby; Suva",
    ),
    "korea": _bank(
        "Seoul; Pyongyang; US Forces Korea; the Combined Forces Command; South Korea's "
        "Ministry of National Defense",
        "combined exercises; extended deterrence consultations; missile defense batteries; "
        "intelligence-sharing arrangements; cost-sharing agreements",
        "North Korea's expanding missile arsenal; doubts about the credibility of extended "
        "deterrence; domestic debate over an indigenous nuclear option; cost-sharing disputes",
        "a stable deterrence posture on the peninsula; alliance cohesion; a more balanced "
        "division of roles",
        "Seoul; Pyeongtaek; Busan; Daejeon; Washington",
    ),
    "europe": _bank(
        "the European Commission; Berlin; Paris; Warsaw; the European Council; Kyiv",
        "joint procurement initiatives; sanctions packages; national rearmament plans; energy "
        "interconnectors; security assistance packages",
        "fragmented defense markets; Russia's war against Ukraine; energy price shocks; "
        "political fatigue over aid to Ukraine",
        "European strategic responsibility; a stronger European pillar in NATO; sustained "
        "support for Ukraine; energy security",
        "Warsaw; Vilnius; Helsinki; Bucharest; Berlin; Kyiv",
    ),
    "trade": _bank(
        "the Office of the US Trade Representative; the Commerce Department; the World Trade "
        "Organization; the European Commission; Congress; Beijing",
        "tariff schedules; export controls; investment screening regimes; free trade "
        "agreements; industrial subsidies",
        "supply chain concentration; retaliatory tariffs; the paralysis of the WTO's dispute "
        "settlement system; subsidy races among major economies",
        "open and predictable markets; supply chain resilience; fair competition; inclusive growth",
        "Mexico City; Hanoi; Nairobi; Brussels; New Delhi; Rotterdam",
    ),
    "energy": _bank(
        "the Department of Energy; the International Energy Agency; state utility "
        "commissions; regional grid operators; the European Commission",
        "transmission lines; battery storage projects; critical minerals processing plants; "
        "clean hydrogen hubs; carbon pricing schemes",
        "permitting delays; volatile commodity prices; concentrated critical minerals supply "
        "chains; extreme weather; grid congestion",
        "affordable and reliable power; deep decarbonization; energy security; a just transition",
        "Texas; Jakarta; Santiago; Hanoi; Sacramento; Lubumbashi",
    ),
    "tech": _bank(
        "the Cybersecurity and Infrastructure Security Agency; the Commerce Department; the "
        "National Institute of Standards and Technology; Brussels; Tokyo",
        "semiconductor fabrication plants; export controls on advanced chips; AI safety "
        "evaluations; undersea cables; zero-trust architectures",
        "ransomware attacks on hospitals and utilities; chokepoints in chip supply chains; "
        "shortages of skilled engineers; the dual-use nature of frontier AI",
        "trustworthy AI; secure digital infrastructure; technological leadership; cyber resilience",
        "Taipei; The Hague; Phoenix; Tallinn; Seoul; Stockholm",
    ),
    "health": _bank(
        "the World Health Organization; the Centers for Disease Control and Prevention; Gavi; "
        "the Global Fund; the African Union; the World Bank",
        "pandemic preparedness funds; disease surveillance networks; vaccine manufacturing "
        "hubs; community health worker programs; pooled drug procurement mechanisms",
        "chronic underfunding of primary care; antimicrobial resistance; health worker "
        "migration; fragmented donor financing",
        "universal health coverage; global health security; equitable access to vaccines; "
        "resilient health systems",
        "Abuja; Kigali; Dhaka; Brasilia; Johannesburg; Jakarta",
    ),
}

TEMPLATES = (
    "{Actor} has spent much of the past decade trying to reconcile {goal} with {problem}.",
    "Since {year}, spending on {thing} has risen by roughly {pct} percent, yet progress against "
    "{problem} has been slow.",
    "The debate over {subject} is often framed as a choice between {goal} and cost, but that "
    "framing obscures more than it reveals.",
    "Officials interviewed in {place} described {problem} as the single most important "
    "constraint on progress.",
    "{Actor} and {actor2} do not always share the same priorities, and the gap has widened "
    "since {year}.",
    "A more useful question is whether {thing} can be redesigned to reward {goal} rather than "
    "short-term savings.",
    "Three developments since {year} deserve attention: the growth of {thing}, renewed concern "
    "about {problem}, and a clearer political commitment to {goal}.",
    "None of this is inevitable, and much depends on choices that {actor} will make over the "
    "next several years.",
    "The record in {place} suggests that {thing} work best when they are paired with "
    "predictable funding and clear lines of responsibility.",
    "Critics argue that the risks of {problem} are overstated, but the experience of {year} to "
    "{later} points the other way.",
    "In practice, the effects of {problem} tend to compound over time, as each delay raises "
    "costs further down the chain.",
    "{Actor} would therefore be well advised to treat {goal} as a long-term investment rather "
    "than a one-time appropriation.",
    "The central argument here is that {subject} will succeed only if {actor} accepts a degree "
    "of interdependence it has historically resisted.",
    "Roughly {number} separate programs now touch on {thing}, and few of them share data or "
    "common metrics.",
    "The lesson for {subject} is not that ambition should be scaled back, but that it should "
    "be sequenced.",
    "Where {thing} have been tried, as in {place}, the early results are encouraging but uneven.",
    "For {actor}, the immediate priority is to close the gap between announced goals and "
    "delivered capacity.",
    "It is worth recalling that concern about {problem} was voiced as early as {year}, long "
    "before it became a headline issue.",
    "Much of the difficulty lies in the fact that {thing} sit at the intersection of several "
    "agencies, none of which owns the problem outright.",
    "A narrower approach, focused on {thing2}, would be easier to implement but would leave "
    "{problem} largely untouched.",
    "Survey data collected in {later} show that most practitioners see {goal} as achievable "
    "within a decade, provided something is done about {problem}.",
    "{Actor} can act on several of these findings without new legislation.",
    "The most durable gains have come from modest, well-designed arrangements rather than "
    "sweeping declarations.",
    "Any serious strategy must also account for the reactions of competitors, who follow "
    "events in {place} closely.",
    "At the same time, the political consensus behind {goal} remains fragile and could erode "
    "if costs rise faster than expected.",
    "Taken together, these trends point toward a more demanding but also more promising agenda "
    "for {subject}.",
    "The numbers tell only part of the story: institutional habits, not budgets, explain much "
    "of the slow progress on {thing}.",
    "One senior official in {place} put it plainly: without steady demand, no one invests in "
    "{thing2}.",
    "Comparisons with {place} are instructive, though they should not be pushed too far.",
    "Over the next five years, the test will be whether {actor} can turn {thing} into "
    "measurable gains in {goal}.",
    "These findings are consistent with earlier work on {subject}, but they also suggest that "
    "the challenge of {problem} has grown more acute.",
    "Legislators have held at least {number} hearings on the subject since {year}, with limited "
    "follow-through.",
    "Partners have their own reasons to engage, and {actor2} has been notably more active than "
    "many expected.",
    "The cost of inaction is difficult to quantify, but it is unlikely to be small.",
    "What is needed is a framework that links {thing} to {goal} through clear, regularly "
    "reviewed benchmarks.",
    "Reform will require sustained attention from {actor}, and patience from everyone else.",
    "Between {year} and {later}, the share of funding devoted to {thing2} fell to about {pct} "
    "percent of the total.",
    "Interviews for this study suggest that the burden of {problem} falls most heavily on "
    "smaller organizations with little room for error.",
)

FINDINGS = (
    "Addressing {problem} is the most important single step toward {goal}.",
    "Investment in {thing} has grown since {year}, but it is unevenly distributed.",
    "{Actor} has moved faster than expected; {actor2} has moved more slowly.",
    "Progress on {subject} depends more on sustained political attention than on new money.",
    "Without action on {problem}, recent gains in {goal} could be reversed within a few years.",
    "Data on {thing} are incomplete, which makes it hard to judge what is working.",
)

RECOMMENDATIONS = (
    "{Actor} should establish a standing mechanism to review {thing} every two years, with "
    "published benchmarks for {goal}.",
    "{Actor} should fund {thing2} through multiyear commitments so that {problem} does not "
    "return with every budget cycle.",
    "{Actor} and {actor2} should agree on shared metrics for {goal} and report against them "
    "publicly.",
    "{Actor} should pilot new approaches to {thing} in {place} before scaling them more widely.",
    "{Actor} should designate a single senior official accountable for {subject}.",
    "Partners should pool demand for {thing2} to give industry the long-term signal it needs.",
)

SLOT = re.compile(r"\{(\w+)\}")
# Advice goes to governments and institutions that would act on it.
ADVERSARIES = frozenset({"Beijing", "Pyongyang"})
NOBODY: frozenset[str] = frozenset()


class Prose:
    """Sentences about one publication's subject, drawn from its topics' banks."""

    def __init__(self, *, seed: str, topics: tuple[str, ...], subject: str, year: int) -> None:
        self.rng = random.Random(seed)
        self.banks = [BANKS[topic] for topic in topics]
        self.subject, self.year = subject, year

    def sentence(self, template: str | None = None, *, exclude: frozenset[str] = NOBODY) -> str:
        # One start year and one set of picks per sentence, so "from {year} to {later}" runs
        # forward and "{actor} and {actor2}" names two different actors.
        self._start = self.year - self.rng.randint(3, 9)
        self._picked: dict[str, str] = {}
        self._exclude = exclude
        text = SLOT.sub(self._fill, template or self.rng.choice(TEMPLATES))
        return text[0].upper() + text[1:]

    def paragraph(self, sentences: int | None = None, *, extra: str = "") -> str:
        count = sentences or self.rng.randint(4, 5)
        chosen = [self.sentence(t) for t in self.rng.sample(TEMPLATES, count)]
        if extra:
            chosen.insert(self.rng.randint(1, len(chosen)), extra)
        return " ".join(chosen)

    def findings(self, count: int) -> list[str]:
        return [self.sentence(t) for t in self.rng.sample(FINDINGS, count)]

    def recommendations(self, count: int) -> list[str]:
        templates = self.rng.sample(RECOMMENDATIONS, count)
        return [self.sentence(t, exclude=ADVERSARIES) for t in templates]

    def _fill(self, match: re.Match[str]) -> str:
        slot = match.group(1)
        value = self._value(slot.lower())
        return value[0].upper() + value[1:] if slot[0].isupper() else value

    def _value(self, slot: str) -> str:
        if slot == "subject":
            return self.subject
        if slot == "year":
            return str(self._start)
        if slot == "later":
            return str(min(self.year, self._start + 1 + self.rng.randint(0, 2)))
        if slot in ("pct", "number"):
            return str(self.rng.randint(8, 65) if slot == "pct" else self.rng.randint(6, 40))
        kind = slot.rstrip("2")
        # The subject of "{Actor} should/can/would ..." is never an adversary.
        exclude = self._exclude | (ADVERSARIES if slot == "actor" else NOBODY)
        choices = [
            value
            for bank in self.banks
            for value in getattr(bank, f"{kind}s")
            if value not in self._picked.values() and value not in exclude
        ]
        self._picked[slot] = self.rng.choice(choices)
        return self._picked[slot]
