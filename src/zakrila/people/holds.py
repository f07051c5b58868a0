"""Legal holds that other apps declare: reasons a person's data must not be erased now.

The people app cannot know about cases or placements (they stand on it, not the other way
round), so those apps register a check here: ``register_hold(check)`` where ``check(person)``
returns a list of reasons.
"""

from __future__ import annotations

from collections.abc import Callable

from zakrila.people.models import Person

HoldCheck = Callable[[Person], list[str]]
_checks: list[HoldCheck] = []


def register_hold(check: HoldCheck) -> HoldCheck:
    if check not in _checks:
        _checks.append(check)
    return check


def registered_holds() -> list[HoldCheck]:
    return list(_checks)
