"""A refusal about a child agrees with the child's sex in Bulgarian (zakrila.core.wording.by_sex)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.placements.conftest import bed_of, night, open_case
from zakrila.placements.services import placement_admit


@pytest.mark.parametrize(
    ("sex", "said"),
    [
        ("female", "вече е настанена в"),
        ("male", "вече е настанен в"),
        ("unknown", "вече е настанен(а) в"),
    ],
)
def test_a_child_already_placed_is_named_with_the_right_ending(
    org, emergency, case_manager, carer, sex, said
):
    case = open_case(org, emergency, case_manager)
    case.person.sex = sex
    case.person.save()
    placement_admit(
        actor=carer, case=case, bed=bed_of(emergency, "Легло 1"), legal_basis="administrative",
        admitted_at=night(3),
    )  # fmt: skip

    with translation.override("bg"), pytest.raises(ValidationError) as refused:
        placement_admit(
            actor=carer, case=case, bed=bed_of(emergency, "Легло 2"), legal_basis="administrative",
            admitted_at=night(1),
        )  # fmt: skip

    assert said in refused.value.messages[0]
