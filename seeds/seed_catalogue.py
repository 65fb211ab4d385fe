"""What the demo catalogue contains: topics, authors and publications (all fictional except the
seed publication's title, date and abstract, which come from shared/seed/publication-page.txt)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

INSTITUTE = "Institute for Policy Research"

TOPICS: dict[str, dict[str, str]] = {
    "defense": {
        "name": "Defense & Security",
        "description": "Military strategy, force posture and deterrence, and the budgets and "
        "institutions behind them.",
    },
    "defense-industry": {
        "name": "Defense Industry",
        "description": "The industrial base that designs, builds and sustains military "
        "equipment, and the policies that shape it.",
        "parent": "Defense & Security",
    },
    "nonproliferation": {
        "name": "Nuclear Nonproliferation",
        "description": "Safeguards, export controls, arms control and the spread of nuclear "
        "weapons and technology.",
        "parent": "Defense & Security",
    },
    "alliances": {
        "name": "Alliances",
        "description": "How the United States and its allies share burdens, plan together and "
        "keep their commitments credible.",
    },
    "indo-pacific": {
        "name": "Indo-Pacific",
        "description": "Security, economics and diplomacy from the Indian Ocean to the Pacific "
        "Islands.",
    },
    "korea": {
        "name": "Korean Peninsula",
        "description": "The US-South Korea alliance, North Korea, and security on the peninsula.",
        "parent": "Indo-Pacific",
    },
    "europe": {
        "name": "Europe",
        "description": "European security and defense, the war in Ukraine and transatlantic "
        "relations.",
    },
    "trade": {
        "name": "Trade & Economics",
        "description": "Trade agreements, tariffs, sanctions, export controls and economic "
        "statecraft.",
    },
    "energy": {
        "name": "Energy & Climate",
        "description": "Energy security, power markets, critical minerals and the transition to "
        "low-carbon energy.",
    },
    "tech": {
        "name": "Technology & Cyber",
        "description": "Semiconductors, artificial intelligence, cybersecurity and the "
        "geopolitics of technology.",
    },
    "health": {
        "name": "Health Policy",
        "description": "Global health security, health systems and financing, and pandemic "
        "preparedness.",
    },
}


def _author(name: str, role: str, bio: str, affiliation: str = INSTITUTE) -> dict[str, str]:
    return {"name": name, "role": role, "affiliation": affiliation, "bio": bio}


AUTHORS: dict[str, dict[str, str]] = {
    "park": _author(
        "Ji-won Park",
        "Senior Fellow, Korea Chair",
        "Ji-won Park studies the US-South Korea alliance, North Korea and defense cooperation in "
        "Northeast Asia. She previously advised the National Assembly's defense committee in "
        "Seoul and holds a PhD in political science from Yonsei University.",
    ),
    "whitaker": _author(
        "Daniel J. Whitaker",
        "Senior Fellow and Director, Defense Industrial Base Program",
        "Daniel J. Whitaker leads the Institute's work on defense acquisition and the "
        "industrial base. He spent fifteen years in program management at the Department of "
        "Defense, most recently overseeing munitions production contracts.",
    ),
    "kang": _author(
        "Min-seo Kang",
        "Nonresident Fellow",
        "Min-seo Kang is a research fellow at the Seoul Institute for Security Studies, where he "
        "works on defense acquisition policy and arms exports. He was a visiting scholar at the "
        "Institute in 2023.",
        affiliation="Seoul Institute for Security Studies",
    ),
    "oyelaran": _author(
        "Margaret Oyelaran",
        "Director, Global Health Policy Center",
        "Margaret Oyelaran directs the Institute's Global Health Policy Center. A physician by "
        "training, she has worked on health financing with ministries of health in West Africa "
        "and at the World Bank.",
    ),
    "herrera": _author(
        "Tomás Herrera",
        "Senior Fellow, Energy Security and Climate Program",
        "Tomás Herrera works on critical minerals, energy security and the economics of the "
        "energy transition. Before joining the Institute he was an energy economist at the "
        "Inter-American Development Bank.",
    ),
    "kowalczyk": _author(
        "Elena Kowalczyk",
        "Senior Fellow, Europe, Russia, and Eurasia Program",
        "Elena Kowalczyk specializes in NATO, European defense and Russia's war against Ukraine. "
        "She served in Poland's Ministry of Foreign Affairs and has taught at the College of "
        "Europe.",
    ),
    "menon": _author(
        "Rajiv Menon",
        "Senior Fellow and Chair in International Economics",
        "Rajiv Menon writes on trade policy, sanctions and economic security. He was previously "
        "a senior economist at the International Monetary Fund and an adviser at the Office of "
        "the US Trade Representative.",
    ),
    "lindqvist": _author(
        "Sarah Lindqvist",
        "Fellow, Strategic Technologies Program",
        "Sarah Lindqvist researches cybersecurity, semiconductors and the governance of "
        "artificial intelligence. She previously worked on incident response for a European "
        "national cybersecurity center.",
    ),
    "bell": _author(
        "Marcus Bell",
        "Senior Adviser, Nuclear Policy Program",
        "Marcus Bell spent twenty years at the State Department working on nuclear "
        "nonproliferation, including as a negotiator on safeguards and export controls.",
    ),
    "tanaka": _author(
        "Keiko Tanaka",
        "Japan Chair and Senior Fellow",
        "Keiko Tanaka holds the Institute's Japan Chair and writes on Japanese security policy, "
        "the US-Japan alliance and Indo-Pacific regional order.",
    ),
    "okafor": _author(
        "Amara Okafor",
        "Fellow, Energy Security and Climate Program",
        "Amara Okafor works on electricity markets, grid reliability and clean energy finance in "
        "emerging economies.",
    ),
    "chen": _author(
        "William Chen",
        "Senior Adviser, International Security Program",
        "William Chen is a retired US Air Force officer who writes on space security, defense "
        "strategy and alliance planning.",
    ),
    "brennan": _author(
        "Laura Brennan",
        "Visiting Fellow, Global Health Policy Center",
        "Laura Brennan is an epidemiologist who has led outbreak response teams in East Africa "
        "and South Asia. Her work focuses on antimicrobial resistance and health security.",
    ),
    "adeyemi": _author(
        "Samuel Adeyemi",
        "Fellow, Africa Program",
        "Samuel Adeyemi studies African trade integration, infrastructure finance and US-Africa "
        "economic relations.",
    ),
    "dubois": _author(
        "Claire Dubois",
        "Senior Fellow, Europe Program",
        "Claire Dubois works on European defense industrial policy and the EU's economic "
        "security agenda. She previously worked at the European Defence Agency in Brussels.",
    ),
    "hale": _author(
        "Jonathan Hale",
        "President and Chief Executive Officer",
        "Jonathan Hale has led the Institute since 2019. He previously served as a deputy "
        "assistant secretary of defense for Asian and Pacific security affairs.",
    ),
}

SEED_ABSTRACT = (
    "Defense industrial cooperation between the United States and South Korea is deeply rooted "
    "in the bilateral security alliance and has evolved over time. The United States has "
    "prioritized allied cooperation and tapped into the appreciable national capacities and "
    "defense industrial bases of its allies and partners. Yet, the United States and South "
    "Korea have nuanced approaches to allied cooperation regarding the defense industry and "
    "related technology. For Washington, pursuing cooperation with South Korea and increasing "
    "cooperation among allies are important as means to realize its global strategy and win in "
    "strategic competition with adversaries. For Seoul, enhancing defense industrial "
    "cooperation with the United States is not only a means to deepen the alliance "
    "relationship but also an end in itself. Namely, Seoul seeks to strengthen its own defense "
    "industrial base and defense capabilities, which in totality determines competence. It "
    "anticipates reforming its defense industry base practices, lifting caps on existing "
    "methods of defense cooperation with the United States, and increasing access to the US "
    "market. The 2024 US National Defense Industrial Strategy (NDIS) aims to create a "
    "modernized defense ecosystem that harnesses cooperation among the government, industries, "
    "and their counterparts in ally and partner states. This is expected to have a significant "
    "impact on South Korea\u2019s future defense and acquisition policy, as well as "
    "institutional arrangements. This paper reviews recent developments and identifies "
    "challenges in allied defense industrial cooperation to offer policy recommendations."
)


@dataclass(frozen=True)
class Seed:
    """One demo publication. `marker` is a phrase that occurs once in the whole corpus, on page
    marker_page of the PDF (or in the text of a text-only row), for search tests."""

    slug: str
    title: str
    published: datetime.date
    type: str
    authors: tuple[str, ...]
    topics: tuple[str, ...]
    abstract: str
    subject: str
    marker: str
    marker_page: int = 1
    pages: int = 0  # 0: no PDF, the row carries its text instead.
    sections: tuple[str, ...] = ()
    subtitle: str = ""
    status: str = ""
    # Files besides the full report: "summary" (a short PDF), "data" (a CSV), in this order.
    extra_files: tuple[str, ...] = ()


def _seed(slug: str, title: str, date: str, type_: str, authors: str, topics: str, **kw) -> Seed:
    return Seed(
        slug=slug,
        title=title,
        published=datetime.date.fromisoformat(date),
        type=type_,
        authors=tuple(authors.split()),
        topics=tuple(topics.split()),
        **kw,
    )


SEEDS: tuple[Seed, ...] = (
    _seed(
        "us-south-korea-defense-industrial-cooperation",
        "US-South Korea Defense Industrial Cooperation: Drivers, Developments, and Tasks Ahead",
        "2024-12-09", "report", "park whitaker kang", "defense-industry korea alliances",
        abstract=SEED_ABSTRACT,
        subject="US-South Korea defense industrial cooperation",
        pages=12, marker="Changwon-Huntsville co-production memorandum", marker_page=7,
        sections=("Introduction", "Drivers of Cooperation", "Washington's Allied Approach",
                  "Seoul's Defense Industrial Ambitions",
                  "The 2024 National Defense Industrial Strategy", "Recent Developments",
                  "Challenges Ahead"),
    ),
    _seed(
        "rebuilding-the-munitions-base",
        "Rebuilding the Munitions Base: Lessons from Three Years of War in Ukraine",
        "2025-03-18", "report", "whitaker kowalczyk", "defense-industry europe defense",
        abstract="Three years of high-intensity war in Ukraine have exposed how far Western "
        "munitions production fell after the Cold War. This report traces the expansion of "
        "155mm artillery shell, air defense interceptor, and solid rocket motor production in "
        "the United States and Europe since 2022, and finds that contracts, not factories, were "
        "the binding constraint for the first eighteen months. It recommends multiyear "
        "procurement for critical munitions, shared stockpile targets among NATO allies, and "
        "dedicated financing for the second-tier suppliers whose capacity determines how fast "
        "prime contractors can grow.",
        subject="munitions production", pages=20,
        marker="Kharkiv shell ledger", marker_page=15, extra_files=("summary", "data"),
        sections=("Introduction", "The Post-Cold War Drawdown", "The Demand Shock of 2022",
                  "Expanding Artillery Production", "Interceptors and Rocket Motors",
                  "Europe's Production Push", "Workforce and Suppliers",
                  "Financing Surge Capacity", "Stockpile Targets"),
    ),
    _seed(
        "friend-shoring-semiconductors",
        "Friend-Shoring Semiconductors: Supply Chain Resilience in the Indo-Pacific",
        "2023-06-12", "working-paper", "lindqvist menon", "tech trade indo-pacific",
        abstract="Governments across the Indo-Pacific are spending heavily to bring chip "
        "manufacturing closer to home or to trusted partners. This working paper maps announced "
        "fabrication, packaging, and equipment investments in the United States, Japan, South "
        "Korea, Taiwan, and India between 2020 and 2023 and asks whether they reduce "
        "concentration risk or merely relocate it. It finds that advanced packaging and "
        "specialty chemicals remain the least diversified segments and proposes a coordinated "
        "allied inventory of chokepoints.",
        subject="semiconductor supply chain resilience", pages=10,
        marker="Kumamoto packaging bottleneck", marker_page=6,
        sections=("Introduction", "Mapping Announced Investments", "Where Concentration Remains",
                  "Policy Tools Compared", "An Allied Chokepoint Inventory"),
    ),
    _seed(
        "critical-minerals-testimony-senate-energy",
        "Securing Critical Minerals Supply Chains",
        "2024-04-23", "testimony", "herrera", "energy trade",
        subtitle="Testimony before the Senate Committee on Energy and Natural Resources",
        abstract="In testimony before the Senate Committee on Energy and Natural Resources, "
        "Tomás Herrera assessed US exposure to concentrated supply of lithium, graphite, "
        "cobalt, and rare earth elements. He argued that processing capacity, not mining, is "
        "the principal vulnerability, and urged Congress to pair domestic permitting reform with "
        "long-term offtake agreements with partners in Latin America and Africa.",
        subject="critical minerals supply chains", pages=5,
        marker="Atacama offtake clause", marker_page=3,
        sections=("Opening Statement", "Where the Vulnerabilities Lie", "What Congress Can Do"),
    ),
    _seed(
        "pandemic-preparedness-gap",
        "The Pandemic Preparedness Gap: Financing Global Health Security After COVID-19",
        "2022-05-10", "report", "oyelaran brennan", "health",
        abstract="COVID-19 revealed that the world spends far too little on preparing for "
        "pandemics and far too much on responding to them after the fact. This report estimates "
        "the annual financing gap for core preparedness capacities in low- and middle-income "
        "countries, reviews the design of the new pandemic fund, and sets out options for "
        "predictable, pooled financing that rewards domestic investment in surveillance, "
        "laboratories, and the health workforce.",
        subject="pandemic preparedness financing", pages=14,
        marker="Lagos sentinel laboratory compact", marker_page=9,
        sections=("Introduction", "Lessons from COVID-19", "Estimating the Financing Gap",
                  "The New Pandemic Fund", "Domestic Resource Mobilization",
                  "Options for Pooled Financing"),
    ),
    _seed(
        "extended-deterrence-korean-peninsula-after-2025",
        "Extended Deterrence on the Korean Peninsula After 2025",
        "2025-09-04", "issue-brief", "park bell", "korea nonproliferation alliances",
        abstract="North Korea's growing arsenal of solid-fuel missiles and tactical nuclear "
        "weapons has intensified the debate in South Korea about the credibility of US extended "
        "deterrence. This brief assesses the Nuclear Consultative Group two years after its "
        "creation, identifies gaps in joint planning and exercises, and recommends steps that "
        "would reassure Seoul without encouraging an indigenous nuclear program.",
        subject="extended deterrence on the Korean Peninsula", pages=6,
        marker="Pyeongtaek tabletop series", marker_page=4,
        sections=("The Problem", "The Nuclear Consultative Group at Two", "Remaining Gaps"),
    ),
    _seed(
        "japans-defense-buildup-us-japan-alliance",
        "Japan's Defense Buildup and the Future of the US-Japan Alliance",
        "2023-01-19", "commentary", "tanaka", "alliances indo-pacific defense",
        abstract="Japan's new national security strategy commits Tokyo to doubling defense "
        "spending and acquiring counterstrike capabilities. Keiko Tanaka argues that the shift "
        "is less a break with the past than the culmination of a decade of incremental change, "
        "and that the alliance's command arrangements must now catch up.",
        subject="Japan's defense buildup", pages=4,
        marker="Yokota command bridge", marker_page=3,
        sections=("A Decade of Change", "Command Arrangements"),
    ),
    _seed(
        "carbon-border-adjustments-transatlantic-trade",
        "Carbon Border Adjustments and the Transatlantic Trade Agenda",
        "2023-10-02", "issue-brief", "menon dubois", "trade energy europe",
        abstract="The European Union's carbon border adjustment mechanism entered its "
        "transitional phase in October 2023. This brief explains how the mechanism works, which "
        "US exports are most exposed, and why a transatlantic arrangement on the carbon "
        "intensity of steel and aluminum could turn a source of friction into the basis of a "
        "climate club.",
        subject="carbon border adjustments", pages=6,
        marker="Duisburg steel intensity benchmark", marker_page=5,
        sections=("How the Mechanism Works", "Exposure of US Exports", "Toward a Climate Club"),
    ),
    _seed(
        "securing-undersea-cables-baltic-sea",
        "Securing Undersea Cables in the Baltic Sea",
        "2024-02-14", "commentary", "lindqvist kowalczyk", "tech europe defense",
        abstract="Damage to the Balticconnector gas pipeline and nearby data cables in late 2023 "
        "showed how exposed Europe's seabed infrastructure has become. The authors argue that "
        "NATO's new Baltic Sea initiatives need to be matched by faster repair capacity and "
        "clearer rules on attribution.",
        subject="undersea cable security", pages=3,
        marker="Hanko repair vessel gap", marker_page=2,
        sections=("A Wake-Up Call",),
    ),
    _seed(
        "ai-governance-military-decision-making",
        "AI Governance and Military Decision-Making",
        "2025-06-30", "working-paper", "lindqvist chen", "tech defense",
        abstract="Militaries are integrating machine learning into targeting, logistics, and "
        "intelligence analysis faster than governance frameworks are evolving. This working "
        "paper reviews national policies on autonomy in weapon systems, distinguishes "
        "decision-support tools from autonomous functions, and proposes testing and evaluation "
        "standards that allies could adopt together.",
        subject="military artificial intelligence governance", pages=9,
        marker="Aberdeen red-team protocol", marker_page=5,
        sections=("Introduction", "National Policies Compared", "Decision Support or Autonomy",
                  "Testing and Evaluation"),
    ),
    _seed(
        "iran-nuclear-program-after-snapback",
        "Iran's Nuclear Program After the Snapback",
        "2025-11-05", "issue-brief", "bell", "nonproliferation",
        abstract="The reimposition of UN sanctions on Iran in 2025 closed a chapter of nuclear "
        "diplomacy without resolving the underlying problem. This brief reviews what is known "
        "about Iran's stockpile of enriched uranium and inspectors' access to it, and lays out "
        "three scenarios for the next two years, with the verification arrangements each would "
        "require.",
        subject="Iran's nuclear program", pages=5,
        marker="Isfahan accountancy gap", marker_page=3,
        sections=("What Is Known", "Three Scenarios"),
    ),
    _seed(
        "power-sector-transitions-southeast-asia",
        "Power Sector Transitions in Southeast Asia",
        "2022-09-21", "report", "okafor herrera", "energy indo-pacific",
        abstract="Southeast Asia's electricity demand is expected to grow faster than almost "
        "anywhere else this decade, and coal still supplies a large share of it. This report "
        "compares power sector plans in Indonesia, Vietnam, and the Philippines, examines the "
        "Just Energy Transition Partnerships, and identifies the grid, financing, and regulatory "
        "reforms that would allow renewables to meet new demand.",
        subject="power sector transitions in Southeast Asia", pages=11,
        marker="Mekong interconnector tariff", marker_page=8,
        sections=("Introduction", "Demand Growth and the Coal Fleet", "Indonesia", "Vietnam",
                  "The Philippines", "Financing the Transition"),
    ),
    _seed(
        "strategic-competition-pacific-islands",
        "Strategic Competition and the Pacific Islands",
        "2023-04-15", "book", "tanaka chen hale", "indo-pacific alliances defense",
        abstract="The Pacific Islands have moved from the margins of US strategy to its center. "
        "This book examines the region's own priorities, from climate change to fisheries and "
        "infrastructure, alongside the security agreements and development programs offered by "
        "the United States, Australia, Japan, and China. It argues that outside powers will "
        "succeed only by treating Pacific governments as partners with agendas of their own.",
        subject="strategic competition in the Pacific Islands", pages=22,
        marker="Honiara wharf concession", marker_page=17,
        sections=("The Blue Pacific", "Climate as Security", "Fisheries and Sovereignty",
                  "Infrastructure and Debt", "China's Approach", "Australia and New Zealand",
                  "Japan's Quiet Engagement", "The American Return", "Partners, Not Pawns"),
    ),
    _seed(
        "defense-acquisition-reform-testimony",
        "Defense Acquisition Reform",
        "2025-02-26", "testimony", "whitaker", "defense-industry",
        subtitle="Testimony before the House Armed Services Committee",
        abstract="Daniel J. Whitaker told the House Armed Services Committee that the Department "
        "of Defense buys new technology too slowly and sustains old systems too expensively. He "
        "recommended portfolio-based budgeting, wider use of commercial solutions openings, and "
        "a standing industrial base fund to sustain suppliers between production lots.",
        subject="defense acquisition reform", pages=5,
        marker="Dayton portfolio pilot", marker_page=4,
        sections=("Opening Statement", "Why Acquisition Is Slow", "Three Reforms"),
    ),
    _seed(
        "antimicrobial-resistance-national-security",
        "Antimicrobial Resistance as a National Security Threat",
        "2021-11-08", "journal-article", "brennan oyelaran", "health defense",
        abstract="Drug-resistant infections already cause more than a million deaths a year, and "
        "the pipeline of new antibiotics is thin. This article argues that antimicrobial "
        "resistance belongs on the national security agenda, both because it threatens military "
        "medicine and because it weakens health systems in fragile states, and proposes pull "
        "incentives for new antibiotics modeled on advance market commitments.",
        subject="antimicrobial resistance", pages=8,
        marker="Landstuhl isolate registry", marker_page=6,
        sections=("Introduction", "The Scale of the Problem", "Military Medicine",
                  "Fragile States", "Pull Incentives"),
    ),
    _seed(
        "nato-eastern-flank-forward-defense",
        "NATO's Eastern Flank and the Logic of Forward Defense",
        "2022-07-05", "journal-article", "kowalczyk dubois", "europe alliances defense",
        abstract="Russia's full-scale invasion of Ukraine has overturned NATO's assumption that a "
        "tripwire presence on its eastern flank would be enough to deter aggression. This "
        "article traces the shift from enhanced forward presence to brigade-sized forward "
        "defense, examines the logistical and financial demands of the new posture, and "
        "considers what it means for the balance of burdens between the United States and "
        "European allies.",
        subject="NATO forward defense", pages=9,
        marker="Suwalki rail gauge problem", marker_page=7,
        sections=("Introduction", "From Tripwire to Forward Defense", "Logistics",
                  "Paying for the Posture", "Burden-Sharing"),
    ),
    _seed(
        "export-controls-advanced-computing-assessment",
        "Export Controls on Advanced Computing: A Two-Year Assessment",
        "2024-10-17", "report", "menon lindqvist", "tech trade",
        abstract="In October 2022 the United States imposed sweeping controls on exports of "
        "advanced chips and chipmaking equipment to China, and tightened them a year later. "
        "This report assesses their effects on Chinese AI development, on US and allied firms, "
        "and on the willingness of the Netherlands and Japan to align their own rules. It "
        "concludes that the controls have slowed but not stopped China's progress, and that "
        "their durability depends on multilateral enforcement.",
        subject="export controls on advanced computing", pages=12,
        marker="Veldhoven licensing queue", marker_page=10,
        sections=("Introduction", "The Rules of October 2022 and 2023", "Effects on China",
                  "Effects on US and Allied Firms", "Allied Alignment", "Enforcement"),
    ),
    _seed(
        "african-trade-integration-afcfta",
        "African Trade Integration and the AfCFTA at Five",
        "2026-03-12", "working-paper", "adeyemi menon", "trade",
        abstract="Five years after trading began under the African Continental Free Trade Area, "
        "intra-African trade remains below a fifth of the continent's total. This working paper "
        "uses customs data from twelve countries to identify where tariff cuts have taken effect "
        "and where rules of origin, border delays, and payment frictions still bind, and it "
        "discusses how US trade policy could support rather than compete with continental "
        "integration.",
        subject="African trade integration", pages=8,
        marker="Kasumbalesa border dwell time", marker_page=5,
        sections=("Introduction", "Tariff Cuts in Practice", "Non-Tariff Barriers",
                  "Implications for US Policy"),
    ),
    _seed(
        "nuclear-energy-exports-nonproliferation-standards",
        "Nuclear Energy Exports and Nonproliferation Standards",
        "2026-06-08", "report", "bell herrera", "nonproliferation energy",
        abstract="A new generation of small modular reactors is drawing interest from countries "
        "with no nuclear power experience. This report examines how competition among reactor "
        "vendors in the United States, South Korea, France, Russia, and China is shaping the "
        "safeguards and export conditions attached to nuclear deals, and recommends a common "
        "supplier standard that makes the Additional Protocol a condition of supply.",
        subject="nuclear energy exports", pages=10,
        marker="Barakah safeguards precedent", marker_page=6,
        sections=("Introduction", "The Small Reactor Market", "Vendor Competition",
                  "Safeguards in Practice", "A Common Supplier Standard"),
    ),
    _seed(
        "health-workforce-crisis-low-income-countries",
        "The Health Workforce Crisis in Low-Income Countries",
        "2021-04-27", "commentary", "oyelaran", "health",
        abstract="The pandemic has deepened a shortage of nurses, midwives, and doctors that was "
        "already severe across much of sub-Saharan Africa and South Asia. Margaret Oyelaran "
        "argues that donors should fund salaries, not just training, and that recruiting "
        "countries share responsibility for the migration of health workers.",
        subject="the health workforce", pages=3,
        marker="Kano midwife retention bonus", marker_page=2,
        sections=("A Shortage Made Worse",),
    ),
    _seed(
        "ransomware-critical-infrastructure-deterrence",
        "Ransomware and Critical Infrastructure: Building a Deterrence Posture",
        "2021-08-16", "issue-brief", "lindqvist", "tech defense",
        abstract="The Colonial Pipeline attack in May 2021 turned ransomware from a criminal "
        "nuisance into a national security concern. This brief argues that deterrence against "
        "ransomware groups requires disrupting their payment channels and infrastructure, "
        "mandatory incident reporting for operators of critical infrastructure, and sustained "
        "pressure on the states that shelter them.",
        subject="ransomware deterrence", pages=5,
        marker="Houston incident clock", marker_page=3,
        sections=("The Threat", "Elements of Deterrence"),
    ),
    _seed(
        "shipbuilding-cooperation-with-allies-us-navy",
        "Shipbuilding Cooperation with Allies: Options for the US Navy",
        "2025-05-20", "issue-brief", "whitaker park tanaka",
        "defense-industry alliances indo-pacific korea",
        abstract="The US Navy's shipbuilding plans are constrained by a shipyard workforce and "
        "infrastructure that cannot keep pace with demand. South Korean and Japanese "
        "shipbuilders, among the most productive in the world, have offered to help. This brief "
        "reviews the legal barriers to building or repairing US warships abroad, assesses "
        "options from overhaul work in allied yards to investment in American ones, and "
        "recommends a phased approach.",
        subject="allied shipbuilding cooperation", pages=7,
        marker="Okpo dry-dock compact", marker_page=5,
        sections=("The Capacity Problem", "Legal Barriers", "Options", "A Phased Approach"),
    ),
    _seed(
        "grid-resilience-extreme-weather",
        "Grid Resilience in an Era of Extreme Weather",
        "2024-07-29", "commentary", "okafor", "energy",
        abstract="Heat waves, wildfires, and winter storms are testing electricity systems built "
        "for a milder climate. Amara Okafor argues that regulators should value resilience "
        "explicitly in utility planning, and that interregional transmission is the cheapest "
        "insurance policy available.",
        subject="grid resilience", pages=4,
        marker="Uri winterization audit", marker_page=3,
        sections=("Systems Built for Another Climate", "Valuing Resilience"),
    ),
    _seed(
        "trilateral-cooperation-us-japan-south-korea",
        "Trilateral Cooperation Among the United States, Japan, and South Korea After Camp David",
        "2023-08-21", "commentary", "park tanaka", "alliances korea indo-pacific",
        abstract="The August 2023 Camp David summit institutionalized trilateral cooperation "
        "among Washington, Tokyo, and Seoul with annual leaders' meetings and a commitment to "
        "consult in a crisis. The authors assess what the summit changed and what could still "
        "unravel it.",
        subject="trilateral cooperation", pages=4,
        marker="Camp David hotline annex", marker_page=2,
        sections=("What Changed", "What Could Unravel It"),
    ),
    _seed(
        "europes-defense-spending-surge",
        "Europe's Defense Spending Surge: Where the Money Goes",
        "2026-02-03", "report", "dubois whitaker", "europe defense-industry",
        abstract="European defense budgets have risen faster since 2022 than at any time since "
        "the Cold War, and NATO's new spending target will push them higher still. This report "
        "tracks procurement contracts across fifteen European countries to show how much of the "
        "new money buys European equipment, how much goes to US and Korean suppliers, and where "
        "joint procurement has cut costs. It argues that the surge will build lasting capacity "
        "only if demand is aggregated across borders.",
        subject="European defense spending", pages=12,
        marker="Bydgoszcz ammunition pool", marker_page=9,
        sections=("Introduction", "The Scale of the Surge", "Who Wins the Contracts",
                  "Joint Procurement", "Capacity That Lasts"),
    ),
    _seed(
        "global-health-security-testimony",
        "Global Health Security",
        "2023-03-09", "testimony", "brennan", "health",
        subtitle="Testimony before the Senate Foreign Relations Committee",
        abstract="Laura Brennan testified that US global health security programs remain "
        "organized around individual diseases and short funding cycles. She urged the committee "
        "to authorize a permanent global health security coordinator, multiyear funding for "
        "outbreak preparedness, and stronger partnerships with regional public health "
        "institutions.",
        subject="global health security", pages=5,
        marker="Addis Ababa rapid response roster", marker_page=3,
        sections=("Opening Statement", "Lessons from Recent Outbreaks", "Recommendations"),
    ),
    _seed(
        "critical-minerals-processing-allied-supply-chains",
        "Critical Minerals Processing and Allied Supply Chains",
        "2022-02-28", "working-paper", "herrera adeyemi", "energy trade alliances",
        abstract="China refines most of the world's lithium, cobalt, and rare earth elements, a "
        "position built over two decades of industrial policy. This working paper analyzes the "
        "economics of processing facilities outside China, the role of price volatility in "
        "deterring investment, and how allied governments could share risk through joint "
        "offtake, price floors, and development finance.",
        subject="critical minerals processing", pages=9,
        marker="Kalgoorlie price floor model", marker_page=7,
        sections=("Introduction", "The Economics of Processing", "Price Volatility",
                  "Sharing Risk Among Allies"),
    ),
    _seed(
        "economics-of-sanctions-on-russia",
        "The Economics of Sanctions on Russia, Three Years On",
        "2025-01-22", "journal-article", "menon kowalczyk", "trade europe",
        abstract="Western sanctions on Russia have been broader than any imposed on a major "
        "economy since the Second World War, yet Russia's economy has not collapsed. This "
        "article examines why, looking at the oil price cap, the redirection of trade through "
        "third countries, and Russia's shift to a war economy, and assesses which measures have "
        "imposed lasting costs.",
        subject="sanctions on Russia", pages=10,
        marker="Aktau transshipment loop", marker_page=8,
        sections=("Introduction", "The Oil Price Cap", "Trade Through Third Countries",
                  "A War Economy", "Lasting Costs"),
    ),
    _seed(
        "space-situational-awareness-burden-sharing",
        "Space Situational Awareness and Allied Burden-Sharing",
        "2026-09-15", "commentary", "chen", "defense tech alliances",
        abstract="As low Earth orbit grows crowded, knowing what is where has become a shared "
        "security problem. William Chen argues that allies could contribute sensors and data to "
        "a common catalogue at little cost, easing the burden on US Space Command.",
        subject="space situational awareness", marker="Exmouth sensor pact",
    ),
    _seed(
        "north-korea-missile-testing-2026",
        "North Korea's Missile Testing Cycle in 2026",
        "2026-10-20", "commentary", "park", "korea nonproliferation",
        abstract="North Korea has tested fewer missiles in 2026 than in the two previous years, "
        "but the tests it has conducted point to new capabilities. Ji-won Park reviews the "
        "year's launches and what they reveal about Pyongyang's priorities.",
        subject="North Korea's missile program", marker="Sinpo launch cadence",
    ),
    _seed(
        "chip-tariffs-and-allied-chipmakers",
        "Chip Tariffs and the Allies Who Make the Chips",
        "2026-11-18", "commentary", "lindqvist park", "tech trade korea",
        abstract="New US tariffs on imported semiconductors are meant to bring manufacturing "
        "home, but they fall hardest on the allies whose firms are building American fabs. "
        "Sarah Lindqvist and Ji-won Park argue for exemptions tied to investment commitments.",
        subject="semiconductor tariffs", pages=3,
        marker="Taylor fab exemption", marker_page=2,
        sections=("Who Pays",),
    ),
    _seed(
        "hydrogen-hubs-industrial-decarbonization",
        "Hydrogen Hubs and Industrial Decarbonization",
        "2026-12-15", "working-paper", "okafor herrera", "energy",
        status="draft",
        abstract="Seven regional clean hydrogen hubs were selected for federal funding in 2023, "
        "but few have reached final investment decisions. This working paper examines the hubs' "
        "progress, the effect of the hydrogen production tax credit rules, and which industrial "
        "users are most likely to switch.",
        subject="clean hydrogen hubs", pages=6,
        marker="Gulf Coast electrolyzer queue", marker_page=4,
        sections=("Introduction", "Progress of the Hubs", "Who Will Switch"),
    ),
    _seed(
        "indo-pacific-economic-framework-after-five-years",
        "The Indo-Pacific Economic Framework After Five Years",
        "2027-01-14", "report", "menon tanaka adeyemi", "indo-pacific trade",
        abstract="Launched in 2022 without market access commitments, the Indo-Pacific Economic "
        "Framework was meant to show that the United States could offer the region more than "
        "security. This report reviews five years of its supply chain, clean economy, and fair "
        "economy agreements, and asks what a more ambitious economic strategy for the region "
        "would require.",
        subject="the Indo-Pacific Economic Framework", pages=10,
        marker="Jakarta supply chain council", marker_page=6,
        sections=("Introduction", "The Supply Chain Agreement", "Clean and Fair Economy Pillars",
                  "What the Region Wants", "A More Ambitious Strategy"),
    ),
)  # fmt: skip
