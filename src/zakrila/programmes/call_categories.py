"""The line's list of concerns, kept as data (``template_data/call_categories.json``):
categories with subcategories, each with a Bulgarian and an English label."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import get_language

SOURCE = Path(__file__).parent / "template_data" / "call_categories.json"
SEPARATOR = "/"


@cache
def categories() -> tuple[dict[str, Any], ...]:
    with SOURCE.open(encoding="utf-8") as handle:
        return tuple(json.load(handle)["categories"])


def _label(entry: dict[str, Any]) -> str:
    return str(entry["en"] if (get_language() or "bg").startswith("en") else entry["bg"])


def concern_choices() -> list[tuple[str, Any]]:
    """A select's choices: each category, then its subcategories, as ``category/sub``."""
    choices: list[tuple[str, Any]] = [("", "—")]
    for category in categories():
        options = [(category["code"], _label(category))]
        options += [
            (f"{category['code']}{SEPARATOR}{sub['code']}", _label(sub)) for sub in category["sub"]
        ]
        choices.append((_label(category), options))
    return choices


def split_concern(value: str) -> tuple[str, str]:
    category, _sep, subcategory = value.partition(SEPARATOR)
    return category, subcategory


def is_known(category: str, subcategory: str = "") -> bool:
    for entry in categories():
        if entry["code"] == category:
            return not subcategory or any(sub["code"] == subcategory for sub in entry["sub"])
    return False


def category_label(category: str) -> str:
    for entry in categories():
        if entry["code"] == category:
            return _label(entry)
    return category


def concern_label(category: str, subcategory: str = "") -> str:
    for entry in categories():
        if entry["code"] != category:
            continue
        for sub in entry["sub"]:
            if sub["code"] == subcategory:
                return f"{_label(entry)}: {_label(sub)}"
        return _label(entry)
    return category
