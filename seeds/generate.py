"""Write the demo content that `make run` loads: seeds/publications.jsonl and seeds/pdfs/*.pdf.

    .venv/bin/python seeds/generate.py        (or: make seeds)

Deterministic: the prose comes from a random generator seeded per publication and every PDF
carries fixed dates, so a second run writes the same files. The output is committed; run this
again only after changing seed_catalogue.py or seed_prose.py.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from seed_catalogue import AUTHORS, INSTITUTE, SEEDS, TOPICS, Seed
from seed_prose import Prose

SEEDS_DIR = Path(__file__).resolve().parent
PDF_DIR = SEEDS_DIR / "pdfs"
DATA_DIR = SEEDS_DIR / "data"
JSONL = SEEDS_DIR / "publications.jsonl"

TYPE_LABELS = {
    "report": "Report",
    "issue-brief": "Issue Brief",
    "commentary": "Commentary",
    "testimony": "Testimony",
    "working-paper": "Working Paper",
    "book": "Book",
    "journal-article": "Journal Article",
}
SUMMARY_HEADINGS = {
    "report": "Executive Summary",
    "book": "Preface",
    "working-paper": "Abstract",
    "journal-article": "Abstract",
    "issue-brief": "Summary",
    "testimony": "Summary of Testimony",
    "commentary": "Summary",
}
CLOSING_HEADINGS = {
    "report": "Recommendations",
    "issue-brief": "Recommendations",
    "testimony": "Recommendations to the Committee",
    "working-paper": "Conclusions",
    "journal-article": "Conclusion",
    "commentary": "Conclusion",
    "book": "Conclusion",
}
NUMBERED_SECTIONS = {"report", "working-paper", "journal-article"}
WITH_TABLE = {"report", "working-paper", "journal-article", "book"}
WITH_CONTENTS = {"report", "book"}
SUMMARY_PAGE_FROM = 5  # Shorter pieces open with their text, not a summary page.

# The core PDF fonts speak Latin-1 only.
LATIN1 = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2014": "-"})
LINE = 5.4
BOTTOM = 22.0


@dataclass
class PagePlan:
    kind: str  # cover, summary, body or closing
    sections: list[tuple[int, str]] = field(default_factory=list)  # (number, title) starting here
    first_body: bool = False


def plan_pages(seed: Seed) -> list[PagePlan]:
    """Cover, summary (longer pieces), body pages with the sections spread over them, closing."""
    has_summary = seed.pages >= SUMMARY_PAGE_FROM
    body_count = seed.pages - 2 - has_summary
    body = [PagePlan("body", first_body=index == 0) for index in range(body_count)]
    for index, title in enumerate(seed.sections):
        body[index * body_count // len(seed.sections)].sections.append((index + 1, title))
    summary = [PagePlan("summary")] if has_summary else []
    return [PagePlan("cover"), *summary, *body, PagePlan("closing")]


class SeedPDF(FPDF):
    def __init__(self, seed: Seed) -> None:
        super().__init__(format="Letter")
        self.seed = seed
        self.set_margins(25, 22, 25)
        self.set_auto_page_break(True, margin=BOTTOM)
        noon = datetime.time(12, tzinfo=datetime.UTC)
        self.set_creation_date(datetime.datetime.combine(seed.published, noon))
        self.set_title(clean(seed.title))
        self.set_author(clean(", ".join(AUTHORS[key]["name"] for key in seed.authors)))
        self.set_subject(clean(seed.subject))
        self.set_creator(INSTITUTE)
        self.set_producer("seeds/generate.py")
        self.set_lang("en-US")

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.set_text_color(110)
        self.cell(0, 5, clean(f"{INSTITUTE} | {self.seed.title.split(':')[0]}"), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0)

    def heading(self, text: str, *, size: int = 13) -> None:
        self.set_font("Helvetica", "B", size)
        self.multi_cell(0, size * 0.5, clean(text), align="L")
        self.ln(2.5)

    def para(self, text: str, *, style: str = "", gap: float = 3.0) -> None:
        self.set_font("Times", style, 11)
        self.multi_cell(0, LINE, clean(text))
        self.ln(gap)

    def fits(self, text: str) -> bool:
        self.set_font("Times", "", 11)
        lines = self.multi_cell(0, LINE, clean(text), dry_run=True, output=MethodReturnValue.LINES)
        return self.get_y() + len(lines) * LINE + 3 <= self.h - BOTTOM


def clean(text: str) -> str:
    return text.translate(LATIN1)


def section_title(seed: Seed, number: int, title: str) -> str:
    if seed.type == "book":
        return f"Chapter {number}. {title}"
    return f"{number}. {title}" if seed.type in NUMBERED_SECTIONS else title


def write_cover(pdf: SeedPDF, seed: Seed) -> None:
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, INSTITUTE.upper(), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.w - pdf.r_margin, pdf.get_y() + 1)
    pdf.set_y(70)
    pdf.set_font("Helvetica", "", 11)
    pdf.set_text_color(90)
    pdf.cell(0, 6, TYPE_LABELS[seed.type].upper(), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    pdf.ln(4)
    pdf.heading(seed.title, size=22)
    if seed.subtitle:
        pdf.set_font("Helvetica", "I", 13)
        pdf.multi_cell(0, 7, clean(seed.subtitle), align="L")
    pdf.ln(10)
    for key in seed.authors:
        author = AUTHORS[key]
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 6, clean(author["name"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 5, clean(author["role"]), align="L")
        pdf.ln(2)
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(0, 6, seed.published.strftime("%B %Y"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(-40)
    pdf.set_font("Helvetica", "", 8)
    pdf.multi_cell(
        0,
        4,
        f"\u00a9 {seed.published.year} {INSTITUTE}. All rights reserved. Demonstration "
        "content: the authors and their findings are fictional.",
        align="L",
    )


def write_summary(
    pdf: SeedPDF, seed: Seed, prose: Prose, plan: list[PagePlan], *, contents: bool = True
) -> None:
    pdf.heading(SUMMARY_HEADINGS[seed.type])
    pdf.para(seed.abstract)
    pdf.heading("Key Findings", size=11)
    for finding in prose.findings(4):
        pdf.set_font("Times", "", 11)
        pdf.set_x(pdf.l_margin + 4)
        pdf.multi_cell(0, LINE, clean(f"-  {finding}"), align="L")
        pdf.ln(1.5)
    if contents and seed.type in WITH_CONTENTS:
        pdf.ln(4)
        write_contents(pdf, seed, plan)


def write_contents(pdf: SeedPDF, seed: Seed, plan: list[PagePlan]) -> None:
    pdf.heading("Contents", size=11)
    entries = [
        (section_title(seed, number, title), page)
        for page, page_plan in enumerate(plan, start=1)
        for number, title in page_plan.sections
    ]
    entries.append((CLOSING_HEADINGS[seed.type], len(plan)))
    pdf.set_font("Times", "", 10.5)
    for title, page in entries:
        pdf.cell(pdf.epw - 15, 5, clean(title))
        pdf.cell(15, 5, str(page), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def write_body(pdf: SeedPDF, seed: Seed, prose: Prose, page: PagePlan, marker: str) -> None:
    if page.first_body and seed.pages < SUMMARY_PAGE_FROM:
        pdf.para(seed.abstract, style="I", gap=5)
    for index, (number, title) in enumerate(page.sections):
        pdf.heading(section_title(seed, number, title))
        if index < len(page.sections) - 1:
            pdf.para(prose.paragraph(), gap=4)
    pdf.para(prose.paragraph(extra=marker and f"Practitioners call this the {marker}."))
    if page.first_body and seed.type in WITH_TABLE:
        write_table(pdf, prose)
    while pdf.fits(text := prose.paragraph()):
        pdf.para(text)


def write_table(pdf: SeedPDF, prose: Prose) -> None:
    start = prose.year - 4
    rows = [
        (prose.sentence("Spending on {thing} ($ billions)"), 3.0, 40.0),
        (prose.sentence("Programs addressing {problem}"), 4, 30),
        (prose.sentence("Officials citing {goal} as a priority (%)"), 20, 80),
        (prose.sentence("Partners engaged in {thing2}"), 2, 25),
    ]
    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(0, 5, f"Table 1. Selected indicators, {start}-{prose.year}")
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 9)
    with pdf.table(
        col_widths=(100, 22, 22, 22),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        line_height=5,
    ) as table:
        table.row([clean("Indicator"), str(start), str(prose.year), "Change"])
        for label, low, high in rows:
            before, after = (_value(prose, low, high) for _ in range(2))
            change = f"{(after - before) / before * 100:+.0f}%"
            table.row([clean(label), _format(before), _format(after), change])
    pdf.ln(5)


def _value(prose: Prose, low: float, high: float) -> float:
    if isinstance(low, int):
        return prose.rng.randint(low, int(high))
    return round(prose.rng.uniform(low, high), 1)


def _format(value: float) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def write_closing(pdf: SeedPDF, seed: Seed, prose: Prose) -> None:
    pdf.heading(CLOSING_HEADINGS[seed.type])
    if seed.type in ("report", "issue-brief", "testimony"):
        for number, text in enumerate(prose.recommendations(4), start=1):
            pdf.para(f"{number}. {text}", gap=2)
    else:
        pdf.para(prose.paragraph(4))
    if seed.type == "testimony":
        pdf.para("Thank you for the opportunity to testify. I look forward to your questions.")
    pdf.ln(4)
    pdf.heading("About the Author" + ("s" if len(seed.authors) > 1 else ""), size=11)
    for key in seed.authors:
        author = AUTHORS[key]
        pdf.set_font("Times", "B", 11)
        pdf.cell(0, LINE, clean(f"{author['name']}, {author['role']}"))
        pdf.ln(LINE)
        pdf.para(author["bio"], gap=2.5)


def prose_for(seed: Seed) -> Prose:
    return Prose(seed=seed.slug, topics=seed.topics, subject=seed.subject, year=seed.published.year)


def build_pdf(seed: Seed) -> bytes:
    """The PDF of one seed publication, page for page as plan_pages lays it out."""
    pdf = SeedPDF(seed)
    prose = prose_for(seed)
    plan = plan_pages(seed)
    if plan[seed.marker_page - 1].kind != "body":
        raise ValueError(f"{seed.slug}: the marker must be on a body page")
    for number, page in enumerate(plan, start=1):
        pdf.add_page()
        if page.kind == "cover":
            write_cover(pdf, seed)
        elif page.kind == "summary":
            write_summary(pdf, seed, prose, plan)
        elif page.kind == "body":
            write_body(pdf, seed, prose, page, seed.marker if number == seed.marker_page else "")
        else:
            write_closing(pdf, seed, prose)
        if pdf.page_no() != number:
            raise ValueError(f"{seed.slug}: page {number} overflowed; shorten its content")
    return bytes(pdf.output())


def build_text(seed: Seed) -> str:
    """The full text of a publication without a PDF: paragraphs separated by blank lines."""
    prose = prose_for(seed)
    paragraphs = [prose.paragraph() for _ in range(6)]
    paragraphs[2] = prose.paragraph(extra=f"Practitioners call this the {seed.marker}.")
    return "\n\n".join([seed.title, *paragraphs])


def build_summary_pdf(seed: Seed) -> bytes:
    """The publication's summary as a PDF of its own: the cover and the summary page (the same
    text as the report's, without the report's contents list)."""
    pdf = SeedPDF(seed)
    pdf.add_page()
    write_cover(pdf, seed)
    pdf.add_page()
    write_summary(pdf, seed, prose_for(seed), plan_pages(seed), contents=False)
    return bytes(pdf.output())


def build_data_csv(seed: Seed) -> bytes:
    """The publication's data file: an invented figure per year and region (its title says so)."""
    rng = random.Random(seed.slug)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["year", "region", "shells_per_month"])
    for region, base in (("United States", 14000), ("Europe", 20000)):
        for year in range(2021, seed.published.year + 1):
            base = int(base * rng.uniform(1.2, 1.8))
            writer.writerow([year, region, base])
    return out.getvalue().encode()


def file_list(seed: Seed) -> list[dict[str, str]]:
    """The row's `files`: the full report first, then the seed's extra files."""
    files = [{"path": f"pdfs/{seed.slug}.pdf", "role": "full-report", "language": "en"}]
    if "summary" in seed.extra_files:
        files.append(
            {
                "path": f"pdfs/{seed.slug}-summary.pdf",
                "role": "summary",
                "title": "Summary",
                "language": "en",
            }
        )
    if "data" in seed.extra_files:
        files.append(
            {
                "path": f"data/{seed.slug}.csv",
                "role": "data",
                "title": "Shell output by year (illustrative)",
            }
        )
    return files


def jsonl_row(seed: Seed) -> dict[str, object]:
    """The import row of a seed, authors and topics as objects (see import_publications)."""
    row: dict[str, object] = {
        "slug": seed.slug,
        "title": f"{seed.title}: {seed.subtitle}" if seed.subtitle else seed.title,
        "abstract": seed.abstract,
        "published": seed.published.isoformat(),
        "type": seed.type,
        "authors": [AUTHORS[key] for key in seed.authors],
        "topics": [TOPICS[key] for key in seed.topics],
    }
    if seed.status:
        row["status"] = seed.status
    if seed.extra_files:
        row["files"] = file_list(seed)
    elif seed.pages:
        row["pdf"] = f"pdfs/{seed.slug}.pdf"
    else:
        row["text"] = build_text(seed)
    return row


def jsonl_lines() -> list[str]:
    return [json.dumps(jsonl_row(seed), ensure_ascii=False) for seed in SEEDS]


def main() -> None:
    PDF_DIR.mkdir(exist_ok=True)
    DATA_DIR.mkdir(exist_ok=True)
    wanted = {f"{seed.slug}.pdf" for seed in SEEDS if seed.pages}
    wanted |= {f"{seed.slug}-summary.pdf" for seed in SEEDS if "summary" in seed.extra_files}
    data = {f"{seed.slug}.csv" for seed in SEEDS if "data" in seed.extra_files}
    for stale in [*PDF_DIR.glob("*.pdf"), *DATA_DIR.glob("*.csv")]:
        if stale.name not in wanted | data:
            stale.unlink()
    for seed in SEEDS:
        if seed.pages:
            (PDF_DIR / f"{seed.slug}.pdf").write_bytes(build_pdf(seed))
        if "summary" in seed.extra_files:
            (PDF_DIR / f"{seed.slug}-summary.pdf").write_bytes(build_summary_pdf(seed))
        if "data" in seed.extra_files:
            (DATA_DIR / f"{seed.slug}.csv").write_bytes(build_data_csv(seed))
    JSONL.write_text("\n".join(jsonl_lines()) + "\n", encoding="utf-8")
    sizes = [path.stat().st_size for path in PDF_DIR.glob("*.pdf")]
    print(
        f"{len(SEEDS)} publications, {len(sizes)} PDFs, {sum(sizes) / 1024:.0f} KB "
        f"(largest {max(sizes) / 1024:.0f} KB), {len(data)} CSV; "
        f"{JSONL.stat().st_size / 1024:.0f} KB of JSONL"
    )


if __name__ == "__main__":
    main()
