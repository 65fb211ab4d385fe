"""Read the text of each page of a PDF with pypdf, or with pypdfium2 as the fallback engine.

These functions run inside the limited child process (sandbox.py); they raise ChildFailed with a
reason code for what the file itself gets wrong.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field

# Imported here, in the worker, so every forked parser starts with them loaded.
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PdfReadError

try:
    import pypdfium2
except ImportError:  # the optional fallback engine (the `pdfium` extra)
    pypdfium2 = None

from publications.extraction.sandbox import ChildFailed, describe_error, report_pages
from publications.extraction.text import clean_text, looks_run_together, run_together_share


@dataclass
class PageTexts:
    engine: str
    pages: list[str]
    page_errors: list[dict] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


def pdfium_available() -> bool:
    return pypdfium2 is not None


def read_pdf(path: str, max_pages: int) -> dict:
    """Text of every page, cleaned; pypdfium2 takes over when pypdf glues words together."""
    # pypdf warns about every repaired defect; the result records what matters.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")
    result = read_with_pypdf(path, max_pages)
    if looks_run_together(result.pages):
        if pdfium_available():
            fallback = read_with_pdfium(path, max_pages)
            share = run_together_share("\n".join(fallback.pages))
            if share < run_together_share("\n".join(result.pages)):
                fallback.flags.append("fallback-engine")
                result = fallback
        else:
            result.flags.append("garbled-text")
    return {
        "engine": result.engine,
        "pages": result.pages,
        "page_errors": result.page_errors,
        "flags": result.flags,
    }


def read_with_pypdf(path: str, max_pages: int) -> PageTexts:
    try:
        reader = PdfReader(path, strict=False)
        _decrypt(reader)
        count = len(reader.pages)
    except LimitReachedError as error:
        raise ChildFailed("too-complex", str(error)) from error
    except (FileNotDecryptedError, DependencyError) as error:
        raise ChildFailed("encrypted", str(error)) from error
    except PdfReadError as error:
        raise ChildFailed("unreadable", str(error) or type(error).__name__) from error
    _check_page_count(count, max_pages)
    report_pages(count)
    texts = PageTexts(engine="pypdf", pages=[])
    for number in range(count):
        try:
            text = reader.pages[number].extract_text()
        except (MemoryError, RecursionError):
            raise
        except LimitReachedError as error:
            raise ChildFailed("too-complex", describe_error(error)) from error
        except Exception as error:  # noqa: BLE001 - one bad page must not lose the others
            texts.page_errors.append({"page": number + 1, "error": describe_error(error)})
            text = ""
        texts.pages.append(clean_text(text))
    _check_some_page_read(texts)
    return texts


def read_with_pdfium(path: str, max_pages: int) -> PageTexts:
    try:
        document = pypdfium2.PdfDocument(path)
    except pypdfium2.PdfiumError as error:
        raise ChildFailed("unreadable", str(error)) from error
    _check_page_count(len(document), max_pages)
    report_pages(len(document))
    texts = PageTexts(engine="pdfium", pages=[])
    for number in range(len(document)):
        try:
            text = document[number].get_textpage().get_text_range()
        except pypdfium2.PdfiumError as error:
            texts.page_errors.append({"page": number + 1, "error": describe_error(error)})
            text = ""
        texts.pages.append(clean_text(text))
    _check_some_page_read(texts)
    return texts


def _decrypt(reader) -> None:
    # Many PDFs are "encrypted" with an empty user password and open for everyone.
    if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        raise ChildFailed("encrypted", "the PDF needs a password to open")


def _check_page_count(count: int, max_pages: int) -> None:
    if count > max_pages:
        raise ChildFailed("too-complex", f"{count} pages; the limit is {max_pages}")


def _check_some_page_read(texts: PageTexts) -> None:
    if texts.pages and len(texts.page_errors) == len(texts.pages):
        raise ChildFailed("unreadable", texts.page_errors[0]["error"])
    if texts.page_errors:
        texts.flags.append("page-errors")
