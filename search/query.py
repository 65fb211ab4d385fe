"""Reading what a reader typed: websearch syntax, with plain words optional.

`"quoted phrases"` and `-word` (or `-"a phrase"`) are constraints, as websearch_to_tsquery reads
them; every other word is optional and only ranks, so a long question still finds the documents
that match most of it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MAX_QUERY_CHARACTERS = 500
MAX_WORDS = 32
_TOKENS = re.compile(r'(-?)"([^"]*)"?|(\S+)')
# Characters the websearch syntax or tsquery input would read as operators.
_OPERATORS = re.compile(r"[&|!():*<>'\\\"]")


@dataclass
class ParsedQuery:
    text: str = ""
    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.phrases)

    def constraint(self) -> str:
        """The constraints alone, in websearch syntax (empty when there are none)."""
        parts = [f'"{phrase}"' for phrase in self.phrases]
        parts += [f'-"{item}"' if " " in item else f"-{item}" for item in self.excluded]
        return " ".join(parts)

    def ranking_text(self) -> str:
        """Everything that ranks: the optional words and the words of the phrases."""
        return " ".join([*self.words, *self.phrases])


def normalise(text: str) -> str:
    """One line, no control characters, NFKC, capped in length."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(char if unicodedata.category(char)[0] != "C" else " " for char in text)
    return " ".join(text.split())[:MAX_QUERY_CHARACTERS]


def parse(raw: str) -> ParsedQuery:
    text = normalise(raw)
    parsed = ParsedQuery(text=text)
    for match in _TOKENS.finditer(text):
        negated, phrase, word = match.groups()
        if phrase is not None:
            cleaned = _clean(phrase)
            if cleaned and negated:
                parsed.excluded.append(cleaned)
            elif cleaned:
                parsed.phrases.append(cleaned)
            continue
        if word.lower() == "or":
            continue  # every plain word is already optional
        if word.startswith("-") and len(word) > 1:
            if cleaned := _clean(word[1:]):
                parsed.excluded.append(cleaned)
        elif cleaned := _clean(word):
            parsed.words.append(cleaned)
    parsed.words = parsed.words[:MAX_WORDS]
    return parsed


def _clean(text: str) -> str:
    return " ".join(_OPERATORS.sub(" ", text).split())
