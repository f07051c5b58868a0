from __future__ import annotations

import json

from django.urls import reverse

from tests.factories import UnitFactory, member
from zakrila.accounts.models import Role


def test_healthz_answers_json_with_a_database_check(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "version": "0.1.0"}


def test_login_page_is_bulgarian_by_default(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="bg">' in content
    assert "Вход в Закрила" in content


def test_language_switch_to_english_and_back(client, case_manager):
    client.force_login(case_manager)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Units" in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "bg", "next": "/"})
    assert "Звена" in client.get("/").content.decode()


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_pages_forbid_caching_and_inline_scripts(client, case_manager):
    client.force_login(case_manager)
    response = client.get("/")
    assert "no-store" in response["Cache-Control"]
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "<script>" not in response.content.decode()
    assert response["X-Request-ID"]


def test_static_files_are_served_by_the_app(client, db):
    from django.contrib.staticfiles import finders

    assert finders.find("zakrila/zakrila.css")
    assert finders.find("django_htmx/htmx-2.min.js") or finders.find("django_htmx/htmx.min.js")


def test_home_page_per_role_says_what_to_do_next(client, org, cop):
    roles_and_cards = {
        Role.DIRECTOR: "card-director",
        Role.CASE_MANAGER: "card-casework",
        Role.CARER: "card-carer",
        Role.TRAINER: "card-trainer",
        Role.GIVING_COORDINATOR: "card-giving",
        Role.DPO: "card-dpo",
    }
    for role, card in roles_and_cards.items():
        user = member(org, role)
        client.force_login(user)
        content = client.get("/").content.decode()
        assert card in content, role
        # Each role sees its own card, not another role's.
        assert not any(other in content for other in roles_and_cards.values() if other != card), (
            role
        )


def test_navigation_follows_the_role(client, org, cop):
    director = member(org, Role.DIRECTOR)
    carer = member(org, Role.CARER)
    client.force_login(director)
    assert reverse("organisations:contract_list") in client.get("/").content.decode()
    client.force_login(carer)
    assert reverse("organisations:contract_list") not in client.get("/").content.decode()


def test_home_shows_a_hint_when_no_unit_is_reachable(client, org):
    user = member(org, Role.CASE_MANAGER)
    client.force_login(user)
    assert "Помолете директора" in client.get("/").content.decode()


def test_home_lists_only_own_organisation_units(client, case_manager, cop, other_org):
    foreign = UnitFactory(organisation=other_org, name="Център на другите")
    client.force_login(case_manager)
    content = client.get("/").content.decode()
    assert cop.name in content
    assert foreign.name not in content


def test_bulgarian_dates_are_dd_mm_yyyy(db):
    import datetime as dt

    from django.utils import formats, translation

    with translation.override("bg"):
        assert formats.date_format(dt.date(2026, 3, 31), "SHORT_DATE_FORMAT") == "31.03.2026"
        assert formats.date_format(dt.date(2026, 3, 31)) == "31.03.2026"


def test_an_english_browser_still_gets_bulgarian_until_the_user_switches(client, db):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="bg">' in response.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="bg")
    assert '<html lang="en">' in response.content.decode()


def test_choice_labels_follow_the_language_of_the_request_and_keep_unknown_values():
    from django.utils import translation

    from zakrila.cases.models import Case, Contact

    case = Case(status="support", risk_level="high")
    with translation.override("bg"):
        assert (case.get_status_display(), case.get_risk_level_display()) == ("подкрепа", "висок")
    with translation.override("en"):
        assert (case.get_status_display(), case.get_risk_level_display()) == ("support", "high")
        assert Contact(kind="home_visit").get_kind_display() == "home visit"
        assert Case(status="retired").get_status_display() == "retired"


def test_a_new_unit_and_a_new_colleague_show_at_once_though_the_lists_are_cached(
    client, org, cop, case_manager
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UnitFactory, member
    from zakrila.accounts.models import Role

    client.force_login(case_manager)
    client.get(reverse("cases:list"))
    with CaptureQueriesContext(connection) as cached:
        client.get(reverse("cases:list"))
    lists = [
        q["sql"]
        for q in cached.captured_queries
        if q["sql"].startswith(
            ('SELECT "organisations_unit"."id" AS "pk"', 'SELECT "accounts_user"."id" AS "pk"')
        )
    ]
    assert not lists  # the units and staff lists came from the cache
    UnitFactory(organisation=org, name="Нов филиал")
    member(org, Role.SPECIALIST, email="new@example.bg", full_name="Нова Колежка")
    page = client.get(reverse("cases:list")).content.decode()
    assert "Нов филиал" in page and "Нова Колежка" in page
