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
