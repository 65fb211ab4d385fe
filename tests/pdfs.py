"""Real PDFs for tests, written with fpdf2 (a text layer on every page)."""

from __future__ import annotations

from fpdf import FPDF


def make_pdf(pages: list[str], *, title: str = "Test document") -> bytes:
    pdf = FPDF(format="Letter")
    pdf.set_title(title)
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())
