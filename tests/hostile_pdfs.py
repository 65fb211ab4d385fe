"""Broken and hostile PDFs, built byte by byte, for the extraction pipeline's tests."""

from __future__ import annotations

import io
import zlib

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from tests.pdfs import make_pdf, write_pdf

PAGE = (
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
    b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>"
)


def empty() -> bytes:
    return b""


def html_named_pdf() -> bytes:
    return b"<!DOCTYPE html><html><body><h1>Report</h1></body></html>\n" * 20


def truncated() -> bytes:
    whole = make_pdf(
        [f"Page {n} of a report that was cut off in transfer. " * 20 for n in range(6)]
    )
    return whole[: len(whole) // 3]


def encrypted(*, user_password: str) -> bytes:
    """user_password="" is the common kind that every reader opens without asking."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(["Confidential briefing text."]))))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def xref_loop() -> bytes:
    """A page tree whose Kids include its own parent: walking it never ends."""
    return write_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
            PAGE,
            b"<< /Length 0 >>\nstream\n\nendstream",
        ]
    )


def deeply_nested(depth: int = 3000) -> bytes:
    """Form XObjects that each draw the next, thousands deep."""
    draw = b"/X Do BT /F1 12 Tf 72 700 Td (Text drawn at one more level down.) Tj ET"
    font = b"/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << " + font + b" /XObject << /X 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(draw), draw),
    ]
    for level in range(depth):
        inner = b" /XObject << /X %d 0 R >>" % (6 + level) if level < depth - 1 else b""
        objects.append(
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << %s%s >> "
            b"/Length %d >>\nstream\n%s\nendstream" % (font, inner, len(draw), draw)
        )
    return write_pdf(objects)


def inflation_bomb(gigabytes: int = 2) -> bytes:
    """A content stream of two megabytes that inflates to gigabytes of zeros."""
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (
        len(body := _deflated_zeros(gigabytes * 64)),
        body,
    )
    return write_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            PAGE,
            stream,
        ]
    )


def _deflated_zeros(blocks: int, block_size: int = 16 << 20) -> bytes:
    """zlib data for blocks x 16 MB of zeros, built from one fully flushed block repeated (each
    flush resets the compressor, so the copies are identical) and the right Adler-32."""
    zeros = b"\0" * block_size
    compressor = zlib.compressobj(9)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    final_block = compressor.flush()[:-4]
    checksum = 1
    for _ in range(blocks):
        checksum = zlib.adler32(zeros, checksum)
    return first + block * (blocks - 1) + final_block + checksum.to_bytes(4, "big")


def many_pages(count: int, *, lines: int = 1) -> bytes:
    """count pages that share one small content stream of this many lines of text: more lines
    make the text slower to read while the page count costs the same."""
    line = b"(A page among very many.) Tj 0 -14 Td "
    content = b"BT /F1 12 Tf 72 700 Td " + line * lines + b"ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (n + 5) for n in range(count)), count),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    objects += [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
    ] * count
    return write_pdf(objects)


def scan_without_text() -> bytes:
    """Pages that are only pictures, as a scanner makes them."""
    from PIL import Image

    image = io.BytesIO()
    Image.new("L", (200, 260), color=235).save(image, format="PNG")
    pdf = FPDF(format="Letter")
    for _ in range(3):
        pdf.add_page()
        image.seek(0)
        pdf.image(image, x=10, y=10, w=190)
    return bytes(pdf.output())
