"""The layout's header and main menu (core.templatetags.shell), written by a template tag: what
each person sees in it, and what they typed shown as text, never as markup."""

from __future__ import annotations

import re

from django.urls import reverse

from tests.factories import UnitFactory, member
from zakrila.accounts.models import Role


def _header(html: str) -> str:
    return html.split('<header class="topbar">')[1].split("</header>")[0]


def _menu(html: str) -> list[tuple[str, bool]]:
    nav = html.split('<nav class="mainnav"')[1].split("</nav>")[0]
    return [
        (label, bool(current))
        for current, label in re.findall(r'<a href="[^"]+"( aria-current="page")?>([^<]+)</a>', nav)
    ]


def test_a_member_sees_the_organisation_the_units_they_reach_and_the_menu_of_their_role(
    client, org, cop
):
    crisis = UnitFactory(organisation=org, name="Кризисен център", code="КЦ")
    worker = member(org, Role.CASE_MANAGER, units=[cop], email="cop-only@example.bg")
    client.force_login(worker)
    html = client.get(reverse("cases:list")).content.decode()
    header = _header(html)
    assert org.display_name in header
    assert f'<option value="{cop.pk}">{cop.name}</option>' in header
    assert crisis.name not in header  # a unit the worker does not reach
    assert 'data-testid="language-en"' in header and 'data-testid="language-bg"' not in header
    assert reverse("admin:index") not in header  # not staff
    assert 'name="csrfmiddlewaretoken"' in header
    menu = _menu(html)
    assert ("Случаи", True) in menu  # the page shown is marked
    assert ("Начало", False) in menu
    assert "Одитен журнал" not in dict(menu)  # a case manager does not search the audit trail

    client.force_login(member(org, Role.DIRECTOR, email="dir2@example.bg"))
    html = client.get("/").content.decode()
    assert crisis.name in _header(html)
    client.force_login(member(org, Role.DPO, email="dpo2@example.bg"))
    html = client.get("/").content.decode()
    assert ("Одитен журнал", False) in _menu(html)
    assert not any(current for _label, current in _menu(html))  # no page of the menu is shown


def test_the_unit_worked_in_is_chosen_in_the_switcher(client, org, cop, case_manager):
    client.force_login(case_manager)
    client.post(reverse("accounts:switch_unit"), {"unit": cop.pk, "next": "/"})
    header = _header(client.get("/").content.decode())
    assert f'<option value="{cop.pk}" selected>{cop.name}</option>' in header


def test_names_typed_in_the_header_are_shown_as_text(client, org, cop, case_manager):
    case_manager.full_name = '<script>alert("x")</script>'
    case_manager.save()
    cop.name = "ЦОП <b>Русе</b> & филиал"
    cop.save()
    client.force_login(case_manager)
    header = _header(client.get("/").content.decode())
    assert "<script>" not in header and "<b>" not in header
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in header
    assert "ЦОП &lt;b&gt;Русе&lt;/b&gt; &amp; филиал" in header


def test_a_visitor_signed_out_sees_only_the_brand_and_the_languages(client):
    html = client.get(reverse("accounts:login")).content.decode()
    header = _header(html)
    assert 'data-testid="language-en"' in header
    assert "menu-toggle" not in header and "unit-switch" not in header
    assert "logout" not in header and '<nav class="mainnav"' not in html


def test_staff_are_offered_the_administration_and_english_pages_offer_bulgarian(
    client, org, case_manager
):
    client.force_login(case_manager)
    assert reverse("admin:index") not in _header(client.get("/").content.decode())
    case_manager.is_staff = True
    case_manager.save()
    client.cookies["django_language"] = "en"
    header = _header(client.get("/").content.decode())
    assert f'<a href="{reverse("admin:index")}">Administration</a>' in header
    assert 'data-testid="language-bg"' in header and ">Български</button>" in header
    assert 'data-testid="language-en"' not in header


def test_the_headers_links_are_escaped_like_every_other_value(client, case_manager):
    """A deployment under a prefix (SCRIPT_NAME) writes it into every link of the header."""
    from django.urls import get_script_prefix, set_script_prefix

    client.force_login(case_manager)
    before = get_script_prefix()
    set_script_prefix("/a&b/")  # as the WSGI handler sets it from SCRIPT_NAME
    try:
        header = _header(client.get("/").content.decode())
    finally:
        set_script_prefix(before)
    assert 'href="/a&amp;b/"' in header  # reverse() keeps "&", quotes '"' and "<"
    assert "/a&b/" not in header
