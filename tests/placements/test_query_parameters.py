"""Whatever arrives in a query string, the placements pages answer: a month or a year that is
not one, or lies outside the years the figures cover, falls back to this month or this year;
another organisation's unit stays a 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.placements.conftest import bed_of, night, open_case
from zakrila.placements.queries import FIRST_YEAR, month_from, search_text, year_from
from zakrila.placements.services import placement_admit

# Random text, and text that looks almost right: the shapes a mangled link takes.
odd_text = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"-?[0-9]{1,6}(-[0-9]{0,4}){0,3}", fullmatch=True),
    st.sampled_from(["9999-12", "0001-01", "2026-13", "2026-00", "\x00", "2026-1\x00", "١٢-٢٠٢٦"]),
)


@pytest.mark.parametrize(
    "text",
    ["9999-12", "0001-01", "1999-12", "2026-13", "2026-0", "2026", "", "abc", "2026-11-01", "\x00"],
)
def test_a_month_that_is_not_a_month_of_the_figures_is_this_month(text):
    today = dt.date(2026, 11, 27)
    assert month_from(text, today=today) == (2026, 11)


def test_a_month_in_range_is_read_and_next_year_is_the_last():
    today = dt.date(2026, 11, 27)
    assert month_from("2026-2", today=today) == (2026, 2)
    assert month_from(f"{FIRST_YEAR}-01", today=today) == (FIRST_YEAR, 1)
    assert month_from("2027-12", today=today) == (2027, 12)
    assert month_from("2028-01", today=today) == (2026, 11)


@pytest.mark.parametrize("text", ["9999", "0", "1999", "2027", "", "2026.5", "1e3", "\x00", None])
def test_a_year_outside_the_figures_is_this_year(text):
    assert year_from(text, today=dt.date(2026, 11, 27)) == 2026


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "10000-01", "2026-99"])
def test_the_board_falls_back_to_this_month(client, org, emergency, carer, month):
    client.force_login(carer)
    response = client.get(reverse("placements:board", args=[emergency.pk]), {"month": month})
    assert response.status_code == 200
    assert response.context["calendar"]["first"] == timezone.localdate().replace(day=1)


def test_the_month_links_stop_at_the_first_and_the_last_month(client, org, emergency, carer):
    client.force_login(carer)
    url = reverse("placements:board", args=[emergency.pk])
    first = client.get(url, {"month": f"{FIRST_YEAR}-01"}).content.decode()
    assert f"?month={FIRST_YEAR - 1}-12" not in first and f"?month={FIRST_YEAR}-2" in first
    last_year = timezone.localdate().year + 1
    last = client.get(url, {"month": f"{last_year}-12"}).content.decode()
    assert f"?month={last_year + 1}-1" not in last and f"?month={last_year}-11" in last


@pytest.mark.parametrize("year", ["9999", "0001", "-1", "2026.0", "x"])
def test_the_figures_and_their_excel_fall_back_to_this_year(client, org, emergency, carer, year):
    client.force_login(carer)
    page = client.get(reverse("placements:figures", args=[emergency.pk]), {"year": year})
    assert page.status_code == 200 and page.context["year"] == timezone.localdate().year
    xlsx = client.get(reverse("placements:figures_xlsx", args=[emergency.pk]), {"year": year})
    assert xlsx.status_code == 200
    assert f"-{timezone.localdate().year}.xlsx" in xlsx["Content-Disposition"]


def test_another_organisations_unit_stays_a_404_whatever_the_parameters(
    client, org, emergency, outsider
):
    client.force_login(outsider)
    for name in ("board", "figures", "figures_xlsx", "admit"):
        url = reverse(f"placements:{name}", args=[emergency.pk])
        assert client.get(url, {"month": "9999-12", "year": "0"}).status_code == 404, name


@pytest.fixture
def pages(org, emergency, case_manager, carer):
    placement = placement_admit(
        actor=carer,
        case=open_case(org, emergency, case_manager),
        bed=bed_of(emergency, "Легло 1"),
        legal_basis="court",
        admitted_at=night(3),
    )
    return {
        reverse("placements:boards"): ["unit"],
        reverse("placements:board", args=[emergency.pk]): ["month"],
        reverse("placements:figures", args=[emergency.pk]): ["year"],
        reverse("placements:figures_xlsx", args=[emergency.pk]): ["year"],
        reverse("placements:admit", args=[emergency.pk]): ["bed", "case", "q"],
        reverse("placements:admit_new_child", args=[emergency.pk]): ["bed"],
        placement.get_absolute_url(): ["form"],
        reverse("placements:discharge", args=[placement.pk]): ["confirmed"],
    }


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_query_parameters_never_make_a_placements_page_fail(client, carer, pages, data):
    client.force_login(carer)
    for url, names in pages.items():
        params = {name: data.draw(odd_text, label=name) for name in names}
        response = client.get(url, params)
        assert response.status_code in (200, 302), (url, params, response.status_code)
    # The search box as htmx calls it.
    admit = next(url for url in pages if url.endswith("/admit/"))
    text = data.draw(odd_text, label="q (htmx)")
    response = client.get(admit, {"q": text}, headers={"HX-Request": "true"})
    assert response.status_code == 200, text


def test_the_search_text_drops_control_and_format_characters():
    assert search_text("  Ива\x00 \u202eНощна\u202c\t ") == "Ива Нощна"
    assert search_text("x" * 300) == "x" * 100
