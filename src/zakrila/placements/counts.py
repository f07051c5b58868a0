"""Counts as people say them, in the plural form each number takes ("1 свободно легло",
"3 свободни легла"): the board, the refusals and the alerts use these, never "%s beds"."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def children(count: int) -> str:
    return ngettext("%(count)s child", "%(count)s children", count) % {"count": count}


def free_beds(count: int) -> str:
    return ngettext("%(count)s free bed", "%(count)s free beds", count) % {"count": count}


def days(count: int) -> str:
    return ngettext("%(count)s day", "%(count)s days", count) % {"count": count}


def occupancy(present: int, capacity: int) -> str:
    """ "3 children for 2 places" — each number with its own plural form."""
    places = ngettext("for %(count)s place", "for %(count)s places", capacity) % {"count": capacity}
    return _("%(children)s %(places)s") % {"children": children(present), "places": places}
