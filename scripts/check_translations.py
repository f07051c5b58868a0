"""Fail when a Bulgarian message is missing, untranslated or fuzzy, or when its translation
does not carry the same placeholders as the message (``%(name)s``, ``%s``): a placeholder lost
or misspelt would drop what it stands for from the page, or fail the page outright.

It extracts the messages from the code and templates afresh (into a temporary copy, so the
working tree is untouched) and compares them with the committed ``locale/bg`` catalogue. It
also refuses a translation call written inside an f-string's braces: the extractor does not
look there, so the message would silently stay in English.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tokenize
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "zakrila"
DOMAINS = ("django", "djangojs")


def extracted_msgids(domain: str) -> set[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "zakrila"
        shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        shutil.rmtree(copy / "locale")
        (copy / "locale").mkdir()
        env = dict(os.environ, ZAKRILA_DEBUG="1")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "django",
                "makemessages",
                "-l",
                "bg",
                "-d",
                domain,
                "--no-location",
            ],
            cwd=copy,
            env={**env, "DJANGO_SETTINGS_MODULE": "zakrila.settings"},
            check=True,
            capture_output=True,
        )
        po_path = copy / "locale" / "bg" / "LC_MESSAGES" / f"{domain}.po"
        if not po_path.exists():
            return set()
        return {(entry.msgctxt or "", entry.msgid) for entry in polib.pofile(str(po_path))}


# A call of gettext and its kin (``_``, ``gettext``, ``ngettext``, ``pgettext``, lazy or not).
_CALL = re.compile(r"(?<![\w.])(_|gettext|gettext_lazy|ngettext|ngettext_lazy|pgettext)\(")


def calls_inside_fstrings() -> list[str]:  # Python 3.11: an f-string is one STRING token
    """Places where a message is translated inside an f-string (``f"{_('…')}"``)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type != tokenize.STRING:
                continue
            prefix = re.match(r"[A-Za-z]*", token.string).group(0).lower()
            if "f" in prefix and _CALL.search(token.string):
                where = f"{path.relative_to(ROOT)}:{token.start[0]}"
                found.append(f"a message translated inside an f-string, not extracted: {where}")
    return found


_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|%[sdifr]")


def placeholders(text: str) -> set[str]:
    return {
        match.group(1) or match.group(0) for match in _PLACEHOLDER.finditer(text.replace("%%", ""))
    }


def placeholder_mismatches(entry: polib.POEntry) -> list[str]:
    """The entry's translations whose placeholders are not those of the message they
    translate (each plural form against the message's singular or plural)."""
    if entry.msgid_plural:
        pairs = [
            (entry.msgid if form == 0 else entry.msgid_plural, text)
            for form, text in sorted(entry.msgstr_plural.items())
        ]
    else:
        pairs = [(entry.msgid, entry.msgstr)]
    return [
        f"placeholders {sorted(placeholders(source))} in {source!r}, "
        f"{sorted(placeholders(text))} in its translation {text!r}"
        for source, text in pairs
        if text and placeholders(source) != placeholders(text)
    ]


def main() -> int:
    problems: list[str] = calls_inside_fstrings()
    for domain in DOMAINS:
        wanted = extracted_msgids(domain)
        path = PACKAGE / "locale" / "bg" / "LC_MESSAGES" / f"{domain}.po"
        if not path.exists():
            if wanted:
                problems.append(f"{path} is missing ({len(wanted)} messages to translate)")
            continue
        catalogue = polib.pofile(str(path))
        have = {
            (entry.msgctxt or "", entry.msgid): entry for entry in catalogue if not entry.obsolete
        }
        for key in sorted(wanted - set(have)):
            problems.append(f"{domain}: not in the catalogue: {key[1]!r}")
        for entry in catalogue.untranslated_entries():
            problems.append(f"{domain}: untranslated: {entry.msgid!r}")
        for entry in catalogue.fuzzy_entries():
            problems.append(f"{domain}: fuzzy: {entry.msgid!r}")
        for entry in catalogue.translated_entries():
            problems.extend(f"{domain}: {found}" for found in placeholder_mismatches(entry))
    for problem in problems:
        print(problem)
    if problems:
        print(
            f"\n{len(problems)} translation problem(s). Run: (cd src/zakrila && zakrila makemessages -l bg) and translate."
        )
        return 1
    print("Bulgarian catalogue complete.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
