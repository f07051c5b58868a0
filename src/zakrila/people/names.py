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
from collections.abc import Iterable

from rapidfuzz.distance import OSA

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
# order matters: "dj" must become "dzh" before "j" is read as "y", and "kh" must become "h"
# before a lone "c" is read as "ts".
_FOLDS = (
    (re.compile(r"dj"), "dzh"),  # "Sapundjieva": the law's "dzh" for "дж", typed as "dj"
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


def person_search_key(names: Iterable[str]) -> str:
    """The search key of a person known by these names (their name first, then other names):
    each folded, joined by " | "."""
    return " | ".join(filter(None, (search_key(name) for name in names)))


def key_words(key: str) -> set[str]:
    """The distinct words of a search key: what the search index links a person to."""
    return set(key.replace("|", " ").split())


# --- Trigram similarity of words ---------------------------------------------------------------
#
# Search compares a typed word with the words of people's names by trigrams, as PostgreSQL's
# pg_trgm does: a word is padded with two spaces before and one after, and its trigrams are the
# three-letter pieces of that. The similarity of two words is the share of their trigrams they
# have in common (shared / all distinct); pg_trgm's ``similarity()`` computes the same for
# single words, so the embedded SQLite and PostgreSQL rank alike.


def trigrams(word: str) -> frozenset[str]:
    """The trigrams of one folded word, as pg_trgm makes them."""
    padded = f"  {word} "
    return frozenset(padded[index : index + 3] for index in range(len(padded) - 2))


def trigram_similarity(one: str, other: str) -> float:
    """pg_trgm's similarity of two words: shared trigrams over all distinct trigrams."""
    mine, theirs = trigrams(one), trigrams(other)
    shared = len(mine & theirs)
    return shared / (len(mine) + len(theirs) - shared) if shared else 0.0


# What a typed word scores against a word of a person's name (0 when it does not match):
# - the word itself: 1;
# - a word it begins ("Йорд" in "Йорданка"): by how much of it was typed, 0.6 to 0.99;
# - a word with a trigram similarity of at least WORD_SIMILARITY_THRESHOLD: that similarity;
# - a word one slip of the fingers away (a letter dropped, added, changed, or two swapped; two
#   slips in a word of 7 letters or more): 1 − slips / length. Trigrams miss a swap in a short
#   word ("Крика" and "Кирка" share two trigrams of ten); the edit distance does not.
# Search first finds candidate words that share at least CANDIDATE_SIMILARITY of their trigrams
# with the typed word (an index can find those), then scores them with this.
PREFIX_BASE_SCORE = 0.6
WORD_SIMILARITY_THRESHOLD = 0.3
CANDIDATE_SIMILARITY = 0.15


def allowed_slips(token: str, word: str) -> int:
    longer = max(len(token), len(word))
    return 0 if longer < 4 else 1 if longer < 7 else 2


def word_score(token: str, word: str, *, token_trigrams: frozenset[str] | None = None) -> float:
    """How well the typed word ``token`` matches the name word ``word`` (0 when it does not)."""
    if word == token:
        return 1.0
    score = 0.0
    if len(token) >= 2 and word.startswith(token):
        score = PREFIX_BASE_SCORE + (1 - PREFIX_BASE_SCORE) * len(token) / len(word)
    mine = token_trigrams if token_trigrams is not None else trigrams(token)
    theirs = trigrams(word)
    shared = len(mine & theirs)
    if shared:
        similarity = shared / (len(mine) + len(theirs) - shared)
        if similarity >= WORD_SIMILARITY_THRESHOLD:
            score = max(score, similarity)
    slips = allowed_slips(token, word)
    if slips:
        distance = OSA.distance(token, word, score_cutoff=slips)
        if distance <= slips:
            score = max(score, 1 - distance / max(len(token), len(word)))
    # Only the word itself scores 1.
    return min(score, 0.99)
