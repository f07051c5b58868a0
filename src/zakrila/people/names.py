"""Bulgarian names in Latin letters, and the folded key that search matches.

``to_latin`` is the official transliteration of the Закон за транслитерацията (2009): the law's
table, "ия" at the end of a word as "ia" ("България" → "Bulgaria", "София" → "Sofia"), and
capitals as the law writes them: "Щерев" → "Shterev", but "ЩЕРЕВ" → "SHTEREV". Anything that is
not a Bulgarian letter (Latin letters, digits, punctuation) passes through unchanged.

``search_key`` folds a name typed in either script, official or informal ("Jordanka
Khristova", "Tzvetan", "Mariya") to one spelling, so that search compares like with like.
"""

from __future__ import annotations

import re
import unicodedata

# The law's table (Art. 3 (1)), lower case.
OFFICIAL_TABLE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "sht", "ъ": "a", "ь": "y", "ю": "yu", "я": "ya",
}  # fmt: skip


def _is_letter(char: str) -> bool:
    return char.isalpha()


def _is_upper_letter(char: str) -> bool:
    return char.isalpha() and char.isupper()


# Words the law writes otherwise than by the table (Art. 4): the name of the country.
_EXCEPTIONS = {"българия": "bulgaria"}
_EXCEPTION_WORDS = re.compile(r"\b(" + "|".join(_EXCEPTIONS) + r")\b", re.IGNORECASE)


def _exception(match: re.Match[str]) -> str:
    word = match.group(0)
    latin = _EXCEPTIONS[word.lower()]
    if word.isupper() and len(word) > 1:
        return latin.upper()
    return latin.capitalize() if word[0].isupper() else latin


def to_latin(text: str) -> str:
    """The official Latin transliteration of a Bulgarian text."""
    text = _EXCEPTION_WORDS.sub(_exception, text)
    out: list[str] = []
    length = len(text)
    for index, char in enumerate(text):
        lower = char.lower()
        latin = OFFICIAL_TABLE.get(lower)
        if latin is None:
            out.append(char)
            continue
        after = text[index + 1] if index + 1 < length else ""
        before = text[index - 1] if index > 0 else ""
        # "ия" at the end of a word is written "ia" (Art. 3 (2)).
        if lower == "я" and before.lower() == "и" and not _is_letter(after):
            latin = "a"
        if char.isupper():
            # A capital in a word written in capitals stays all capitals ("ЩЕРЕВ" → "SHTEREV");
            # a capital starting a word is written with only its first letter capital.
            in_capitals = _is_upper_letter(after) or (
                not _is_letter(after) and _is_upper_letter(before)
            )
            latin = latin.upper() if in_capitals else latin.capitalize()
        out.append(latin)
    return "".join(out)


# Informal spellings folded onto one, applied to lower-case Latin text without accents. The
# order matters: "kh" must become "h" before a lone "c" is read as "ts".
_FOLDS = (
    (re.compile(r"kh"), "h"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"tz"), "ts"),
    (re.compile(r"c(?!h)"), "ts"),
    (re.compile(r"w"), "v"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"q"), "k"),
    (re.compile(r"j"), "y"),
    (re.compile(r"iya\b"), "ia"),
    (re.compile(r"ya\b"), "ia"),
)
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search_key(text: str) -> str:
    """A name folded for search: Latin, lower case, no accents, informal spellings folded.

    "Йорданка Христова", "yordanka hristova" and "Jordanka Khristova" all give
    "yordanka hristova".
    """
    # Transliterate first: "й" would otherwise lose its breve to the accent stripping.
    text = _strip_accents(to_latin(text).lower())
    text = _NOT_WORD.sub(" ", text)
    for pattern, replacement in _FOLDS:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def name_tokens(text: str) -> list[str]:
    """The words of a search text, folded like the search key."""
    return search_key(text).split()
