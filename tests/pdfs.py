"""Real PDFs for tests: fpdf2 for ordinary ones, a small raw writer for the font traps."""

from __future__ import annotations

import io
import textwrap

from fpdf import FPDF


def make_pdf(pages: list[str], *, title: str = "Test document") -> bytes:
    """A PDF with a text layer on every page (Helvetica, Latin-1 text)."""
    pdf = FPDF(format="Letter")
    pdf.set_title(title)
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def make_cid_pdf(pages: list[str], *, glue_words: bool = False) -> bytes:
    """A PDF in a composite (Type0, Identity-H) font whose glyph ids are the Unicode code points,
    mapped back by a ToUnicode CMap, so any character (ligatures such as 'ﬁ' included) can be set.

    glue_words=True sets the gaps between words as TJ kerning with no space glyph, and gives slot
    32 a wide glyph, as TeX-made composite fonts do: pypdf then runs the words together
    (py-pdf/pypdf#3978), while pdfium does not.
    """
    used = sorted({ord(char) for text in pages for char in text if char != "\n"} | {32})
    widths = " ".join(f"{code} [{1800 if glue_words and code == 32 else 500}]" for code in used)
    mapped = [code for code in used if not (glue_words and code == 32)]
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in once the pages are numbered
        b"<< /Type /Font /Subtype /Type0 /BaseFont /TestSerif /Encoding /Identity-H "
        b"/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TestSerif /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 500 "
        b"/W [" + widths.encode() + b"] /FontDescriptor 6 0 R >>",
        _stream(_to_unicode_cmap(mapped)),
        b"<< /Type /FontDescriptor /FontName /TestSerif /Flags 32 /FontBBox [0 -200 1000 900] "
        b"/ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>",
    ]
    kids = []
    for text in pages:
        content = _page_content(text, glue_words=glue_words)
        objects.append(_stream(content))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (len(objects))
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % len(kids)
    return write_pdf(objects)


def write_pdf(objects: list[bytes], *, trailer_extra: bytes = b"") -> bytes:
    """Serialise numbered objects (1, 2, ...) with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, trailer_extra, xref)
    )
    return out.getvalue()


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)


def _hex(text: str) -> bytes:
    return b"<" + "".join(f"{ord(char):04X}" for char in text).encode() + b">"


def _page_content(text: str, *, glue_words: bool) -> bytes:
    lines = [line for paragraph in text.split("\n") for line in textwrap.wrap(paragraph, 80)]
    operations = []
    for index, line in enumerate(lines):
        words = line.split() if glue_words else [line]
        shown = b" -333 ".join(_hex(word) for word in words)
        y = 720 - 14 * index
        operations.append(b"BT /F1 10 Tf 72 %d Td [%s] TJ ET" % (y, shown))
    return b"\n".join(operations)


def _to_unicode_cmap(codes: list[int]) -> bytes:
    entries = "\n".join(f"<{code:04X}> <{code:04X}>" for code in codes)
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{len(codes)} beginbfchar\n{entries}\nendbfchar\n"
        "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    ).encode()
