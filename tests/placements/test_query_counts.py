"""The pages a carer opens all night read at a constant number of queries, however many
children are placed or found."""

from __future__ import annotations

from django.urls import reverse

from tests.placements.conftest import bed_of, night, open_case
from zakrila.placements.services import placement_admit


def test_the_board_reads_the_same_number_of_queries_for_one_child_or_a_full_house(
    client, org, emergency, case_manager, director, django_assert_max_num_queries
):
    client.force_login(director)
    url = reverse("placements:board", args=[emergency.pk])
    placement_admit(actor=director, case=open_case(org, emergency, case_manager, "Ани"),
                    bed=bed_of(emergency, "Легло 1"), legal_basis="police", admitted_at=night(2))  # fmt: skip
    with django_assert_max_num_queries(40) as one:
        client.get(url)
    # The beds once, and the stays three times: tonight's, the month's, and whose names the
    # reader may see (for tonight and the month at once).
    reads = [query["sql"] for query in one.captured_queries]
    assert sum('FROM "placements_bed"' in sql for sql in reads) == 1
    assert sum('FROM "placements_placement"' in sql for sql in reads) == 3
    for name, bed in (("Боби", "Легло 2"), ("Ваня", "Допълнително")):
        placement_admit(actor=director, case=open_case(org, emergency, case_manager, name),
                        bed=bed_of(emergency, bed), legal_basis="police", admitted_at=night(1),
                        override_reason="нощен сигнал")  # fmt: skip
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).context["present"] == 3


def test_the_admission_search_reads_the_same_number_of_queries_for_one_case_or_many(
    client, org, emergency, case_manager, carer, django_assert_max_num_queries
):
    client.force_login(carer)
    url = reverse("placements:admit", args=[emergency.pk])
    htmx = {"HX-Request": "true"}
    open_case(org, emergency, case_manager, "Ани")
    with django_assert_max_num_queries(40) as one:
        assert len(client.get(url, {"q": "Колева"}, headers=htmx).context["choices"]) == 1
    for name in ("Боби", "Ваня", "Гергана", "Деси"):
        open_case(org, emergency, case_manager, name)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get(url, {"q": "Колева"}, headers=htmx).context["choices"]) == 5
