import re

from hypothesis import given, settings
from hypothesis import strategies as st

from publications.extraction.text import (
    clean_text,
    has_text_layer,
    looks_garbled,
    looks_run_together,
    run_together_share,
)

PROSE = (
    "Defense industrial cooperation between the United States and South Korea is deeply rooted "
    "in the bilateral security alliance and has evolved over time. "
)


def test_clean_text_removes_nul_bytes_and_control_characters():
    assert clean_text("tariff\x00s and\x07 quotas") == "tariffs and quotas"


def test_clean_text_turns_ligatures_into_plain_letters():
    assert clean_text("Eﬃcient ﬁnance ﬂows") == "Efficient finance flows"


def test_clean_text_collapses_spaces_and_blank_lines_but_keeps_paragraphs():
    assert clean_text("  one\t\t two  \r\n\r\n\r\n\nthree ") == "one two\n\nthree"


def test_clean_text_treats_unicode_spaces_as_spaces_but_only_newlines_as_line_breaks():
    text = "\u00a0one\u2003two\u2028three \x85\n\u3000\n\u2029four"

    assert clean_text(text) == "one two three\n\nfour"


def _clean_text_by_regex(text: str) -> str:
    """clean_text as it was written before (one regex for the spaces), for comparison."""
    import unicodedata

    text = unicodedata.normalize("NFKC", text.replace("\x00", ""))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", text)
    text = re.sub(r"[^\S\n]+", " ", text)
    lines = (line.strip() for line in text.split("\n"))
    return re.sub(r"\n\s*\n+", "\n\n", "\n".join(lines)).strip()


# Every character whose handling changed hands (ASCII and Unicode spaces, line and paragraph
# separators, control characters, a ligature), and any other.
TRICKY = st.sampled_from(
    list(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2028\u2029\u3000\x00\x07aﬁ")
)
WHITESPACE_AND_WORDS = st.text(alphabet=TRICKY | st.characters(), max_size=80)


@settings(max_examples=500, deadline=None)
@given(WHITESPACE_AND_WORDS)
def test_clean_text_is_what_the_regex_version_made(text):
    assert clean_text(text) == _clean_text_by_regex(text)


def test_run_together_text_is_recognised():
    glued = "thepackagemaintenancesystemefficientlyhandlesdependencies " * 5

    assert looks_run_together([glued])
    assert not looks_run_together([PROSE * 3])


def test_short_text_is_not_judged_run_together():
    assert run_together_share("internationalisation") == 0.0


def test_garbled_text_layer_is_recognised():
    assert looks_garbled(["\ufffd\ufffd#%$ 12 \ufffd" * 30])
    assert not looks_garbled([PROSE * 3])


def test_garbled_judges_characters_not_spaces():
    # 60 letters among 120 spaces and line breaks: all letters once the spaces are left out.
    assert not looks_garbled(["ab \n\t\u00a0 " * 30])
    # Private-use glyph codes among letters: too many unknown characters.
    assert looks_garbled(["word\ue000 " * 40])
    assert not looks_garbled(["word\ue000 " + "words " * 200])


def test_garbled_is_judged_alike_with_many_distinct_symbols():
    symbols = "".join(chr(code) for code in range(0x2200, 0x2300))  # 256 distinct non-letters

    assert looks_garbled([symbols])
    assert not looks_garbled([symbols, PROSE * 30])


def test_scans_have_no_text_layer():
    assert not has_text_layer(["", " ", "3"])
    assert has_text_layer([PROSE, ""])
    assert not has_text_layer([])
