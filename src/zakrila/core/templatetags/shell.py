"""The layout's header and main menu, written out here in one pass instead of node by node.

Every page shows them, and through the template engine they were about 120 nodes a request
(17 translations, 30 conditions, the unit switcher's and the menu's loops): about a millisecond
of every page, as much as a minimal page's own work. The markup is the one ``core/base.html``
had; each value is escaped with the standard library's ``html.escape``, what Django's
``escape`` does without its lazy-string checks. The strings are in ``gettext`` calls outside
f-strings, where ``makemessages`` finds them.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

# The language switch names each language in itself, whatever the page's language.
LANGUAGE_NAMES = {"bg": "Български", "en": "English"}


@register.simple_tag(takes_context=True)
def shell_header(context: template.Context) -> SafeString:
    """``<header class="topbar">`` and, for a member, ``<nav class="mainnav">``."""
    request = context["request"]
    user = context["user"]
    urls = context["shell_urls"]  # escaped once, where they are made
    membership = context.get("shell_membership")
    signed_in = user.is_authenticated
    csrf = (
        '<input type="hidden" name="csrfmiddlewaretoken" '
        f'value="{escape(str(context.get("csrf_token", "")))}">'
    )
    back = f'<input type="hidden" name="next" value="{escape(request.get_full_path())}">'
    foldable = " foldable" if signed_in else ""

    brand = escape(_("Zakrila"))
    parts = [f'<header class="topbar">\n  <a class="brand" href="{urls["core_home"]}">{brand}</a>']
    if signed_in:
        # On a phone the header and the menu fold away behind this button (zakrila.js, .css).
        menu = escape(_("Menu"))
        parts.append(
            '  <button type="button" class="menu-toggle" data-menu-toggle aria-expanded="false" '
            f'aria-controls="main-menu" data-testid="menu-toggle">{menu}</button>'
        )
    if signed_in and membership:
        parts.append(_unit_switch(context, membership, urls, csrf, back))
    parts.append(f'  <div class="spacer{foldable}"></div>')
    if context.get("shell_search"):
        parts.append(_people_search(urls))
    parts.append(_language_switch(urls, csrf, back, foldable))
    if signed_in:
        parts.append(_outbox_link(urls))
        parts.append(_user_menu(user, membership, urls, csrf))
    parts.append("</header>")
    if signed_in and membership:
        parts.append(_main_menu(context))
    return mark_safe("\n".join(parts))  # noqa: S308  (every value escaped above)


def _unit_switch(
    context: template.Context, membership: Any, urls: dict[str, str], csrf: str, back: str
) -> str:
    current = context.get("shell_unit")
    current_pk = current.pk if current else None
    options = "".join(
        f'\n        <option value="{unit.pk}"{" selected" if unit.pk == current_pk else ""}>'
        f"{escape(unit.name)}</option>"
        for unit in context.get("shell_units") or ()
    )
    organisation = escape(str(membership.organisation.display_name))
    label, everywhere, switch = escape(_("Unit")), escape(_("All my units")), escape(_("Switch"))
    question = escape(
        _(
            "You have typed in a form on this page and not saved it. "
            "Change the unit and lose what you typed?"
        )
    )
    return (
        f'  <span class="org foldable" data-testid="current-organisation">{organisation}</span>\n'
        f'  <form class="unit-switch foldable" method="post" action="{urls["accounts_switch_unit"]}">\n'
        f"    {csrf}\n    {back}\n"
        f'    <label for="unit-switch">{label}</label>\n'
        '    <select id="unit-switch" name="unit" data-autosubmit '
        f'data-dirty-question="{question}">\n'
        f'        <option value="">{everywhere}</option>{options}\n'
        "    </select>\n"
        f'    <noscript><button type="submit">{switch}</button></noscript>\n'
        "  </form>"
    )


def _people_search(urls: dict[str, str]) -> str:
    search = urls["people_search"]
    label = escape(_("Find a person"))
    hint = escape(_("Find a person: name or ЕГН"))
    return (
        f'  <form class="people-search foldable" method="get" action="{search}" role="search">\n'
        f'    <label for="people-search" class="visually-hidden">{label}</label>\n'
        '    <input id="people-search" type="search" name="q" autocomplete="off" minlength="2"\n'
        f'           placeholder="{hint}"\n'
        f'           hx-get="{search}" hx-trigger="input changed delay:300ms, search"\n'
        '           hx-target="#people-search-results" data-testid="people-search">\n'
        '    <div id="people-search-results" class="search-results" aria-live="polite"></div>\n'
        "  </form>"
    )


def _language_switch(urls: dict[str, str], csrf: str, back: str, foldable: str) -> str:
    current = get_language()
    buttons = "".join(
        f'\n        <button type="submit" name="language" value="{code}" lang="{code}" '
        f'data-testid="language-{code}">{LANGUAGE_NAMES.get(code, escape(str(name)))}</button>'
        for code, name in settings.LANGUAGES
        if code != current
    )
    return (
        f'  <form class="lang-switch{foldable}" method="post" action="{urls["set_language"]}">\n'
        f"    {csrf}\n    {back}{buttons}\n  </form>"
    )


def _outbox_link(urls: dict[str, str]) -> str:
    """Offline capture: what waits in this device's outbox (counted by outbox.js)."""
    outbox = escape(_("Outbox"))
    return (
        f'<a class="outbox-link" href="{urls["core_outbox"]}" data-outbox-link '
        f'data-testid="outbox-link">{outbox} <span class="outbox-count" data-outbox-count '
        'data-testid="outbox-count" hidden>0</span></a>\n'
        '<div class="outbox-toasts" data-outbox-toasts data-testid="outbox-toasts" '
        'role="status" aria-live="polite"></div>'
    )


def _user_menu(user: Any, membership: Any, urls: dict[str, str], csrf: str) -> str:
    name = escape(str(user.full_name or user.email))
    roles = ""
    if membership:
        roles = escape(", ".join(str(label) for label in membership.role_labels))
        roles = f'\n        <p class="roles">{roles}</p>'
    links = [
        (urls["accounts_password_change"], _("Change password")),
        (urls["accounts_sessions"], _("Where you are signed in")),
        (urls["accounts_2fa_recovery_codes"], _("Recovery codes")),
    ]
    if user.is_staff:
        links.append((urls["admin_index"], _("Administration")))
    anchors = "".join(f'\n        <a href="{url}">{escape(label)}</a>' for url, label in links)
    sign_out = escape(_("Sign out"))
    return (
        f'  <details class="user-menu foldable">\n    <summary>{name}</summary>\n'
        f'    <div class="menu">{roles}{anchors}\n'
        f'        <form method="post" action="{urls["accounts_logout"]}" data-offline-clear>\n'
        f"          {csrf}\n"
        f'          <button type="submit" data-testid="logout">{sign_out}</button>\n'
        "        </form>\n    </div>\n  </details>"
    )


def _main_menu(context: template.Context) -> str:
    active = context.get("nav_active")
    label = escape(_("Main menu"))
    current = ' aria-current="page"'
    items = "".join(
        f'\n  <a href="{escape(item["url"])}"{current if item["key"] == active else ""}>'
        f"{escape(item['label'])}</a>"
        for item in context.get("shell_nav") or ()
    )
    return f'<nav class="mainnav" id="main-menu" aria-label="{label}">{items}\n</nav>'
