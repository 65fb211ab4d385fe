"""Pure text clean-up and quality checks for extracted PDF text (no Django, no I/O)."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_WORDS = re.compile(r"[^\W\d_]+")
# English words of 20+ letters are rare; text made of them is words run together.
RUN_TOGETHER_WORD = 20
RUN_TOGETHER_SHARE = 0.4
MIN_LETTERS_TO_JUDGE = 80


def clean_text(text: str) -> str:
    """NUL and control characters out (PostgreSQL refuses NUL), NFKC (ligatures become letters),
    runs of spaces collapsed, blank lines collapsed to one."""
    text = unicodedata.normalize("NFKC", text.replace("\x00", ""))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub(" ", text)
    text = _SPACES.sub(" ", text)
    lines = (line.strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def run_together_share(text: str) -> float:
    """Share of letters that sit in implausibly long words; 0.0 for text too short to judge."""
    words = _WORDS.findall(text)
    letters = sum(len(word) for word in words)
    if letters < MIN_LETTERS_TO_JUDGE:
        return 0.0
    return sum(len(word) for word in words if len(word) >= RUN_TOGETHER_WORD) / letters


def looks_run_together(pages: list[str]) -> bool:
    """The pypdf defect on fonts without a space glyph: words glued into long strings."""
    return run_together_share("\n".join(pages)) >= RUN_TOGETHER_SHARE


def looks_garbled(pages: list[str]) -> bool:
    """A text layer of glyph codes rather than words: few letters, many replacement characters."""
    text = "".join("".join(pages).split())
    if len(text) < MIN_LETTERS_TO_JUDGE:
        return False
    letters = sum(char.isalpha() for char in text)
    unknown = sum(char == "\ufffd" or unicodedata.category(char) in {"Co", "Cn"} for char in text)
    return letters / len(text) < 0.5 or unknown / len(text) > 0.05


def has_text_layer(pages: list[str], *, min_characters_per_page: int = 10) -> bool:
    """Scans have pages but (almost) no characters."""
    if not pages:
        return False
    characters = sum(len("".join(page.split())) for page in pages)
    return characters / len(pages) >= min_characters_per_page
