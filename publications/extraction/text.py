"""Pure text clean-up and quality checks for extracted PDF text (no Django, no I/O)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_WORDS = re.compile(r"[^\W\d_]+")
# English words of 20+ letters are rare; text made of them is words run together.
RUN_TOGETHER_WORD = 20
RUN_TOGETHER_SHARE = 0.4
MIN_LETTERS_TO_JUDGE = 80
MANY_DISTINCT_CHARACTERS = 64


def clean_text(text: str) -> str:
    """NUL and control characters out (PostgreSQL refuses NUL), NFKC (ligatures become letters),
    runs of spaces collapsed, blank lines collapsed to one."""
    text = unicodedata.normalize("NFKC", text.replace("\x00", ""))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub(" ", text)
    # str.split() splits on what re's \s matches (Py_UNICODE_ISSPACE): each line's runs of
    # spaces collapsed and its ends stripped in C, at half the cost of a regex over the page.
    lines = (" ".join(line.split()) for line in text.split("\n"))
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
    text = "".join(pages)
    other = _non_letter_counts(text)
    total = len(text) - sum(count for char, count in other.items() if char.isspace())
    if total < MIN_LETTERS_TO_JUDGE:
        return False
    letters = len(text) - sum(other.values())
    unknown = sum(count for char, count in other.items() if _unknown(char) and not char.isspace())
    return letters / total < 0.5 or unknown / total > 0.05


def _non_letter_counts(text: str) -> dict[str, int]:
    """How often each character that is not a letter occurs (spaces included).

    Judged per distinct character, not per character: a test per character in Python cost more
    than a tenth of pypdf's own time. Prose has a few dozen distinct non-letters, each counted by
    str.count at memory speed; a text with more of them is counted in one pass instead.
    """
    others = [char for char in set(text) if not char.isalpha()]
    if len(others) > MANY_DISTINCT_CHARACTERS:
        counts = Counter(text)
        return {char: counts[char] for char in others}
    return {char: text.count(char) for char in others}


def _unknown(char: str) -> bool:
    return char == "\ufffd" or unicodedata.category(char) in {"Co", "Cn"}


def has_text_layer(pages: list[str], *, min_characters_per_page: int = 10) -> bool:
    """Scans have pages but (almost) no characters."""
    if not pages:
        return False
    characters = sum(len("".join(page.split())) for page in pages)
    return characters / len(pages) >= min_characters_per_page
