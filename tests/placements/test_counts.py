"""Numbers in Bulgarian take their plural form: "1 свободно легло", "3 свободни легла"."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from tests.placements.conftest import bed_of, night, open_case
from zakrila.placements import counts
from zakrila.placements.services import placement_admit


@pytest.mark.parametrize(
    ("count", "beds", "children", "days"),
    [
        (0, "0 свободни легла", "0 деца", "0 дни"),
        (1, "1 свободно легло", "1 дете", "1 ден"),
        (3, "3 свободни легла", "3 деца", "3 дни"),
        (5, "5 свободни легла", "5 деца", "5 дни"),
        (21, "21 свободни легла", "21 деца", "21 дни"),
    ],
)
def test_counts_take_the_bulgarian_plural_form(count, beds, children, days):
    with translation.override("bg"):
        assert counts.free_beds(count) == beds
        assert counts.children(count) == children
        assert counts.days(count) == days
    with translation.override("en"):
        assert counts.free_beds(count) == f"{count} free bed" + ("" if count == 1 else "s")


def test_the_occupancy_agrees_with_each_number():
    with translation.override("bg"):
        assert counts.occupancy(1, 1) == "1 дете за 1 място"
        assert counts.occupancy(3, 14) == "3 деца за 14 места"


def test_the_board_says_how_many_beds_are_free_in_good_bulgarian(
    client, org, emergency, case_manager, carer
):
    client.force_login(carer)
    url = reverse("placements:board", args=[emergency.pk])
    assert client.get(url).context["summary"] == "0 деца за 2 места · 2 свободни легла"
    placement_admit(actor=carer, case=open_case(org, emergency, case_manager),
                    bed=bed_of(emergency, "Легло 1"), legal_basis="court", admitted_at=night(1))  # fmt: skip
    page = client.get(url).content.decode()
    assert "1 дете за 2 места · 1 свободно легло" in page
