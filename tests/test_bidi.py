"""Bidirectional control characters are removed on input from names and file names: a file
called "Иван\u202egpj.exe" would be shown as "Иванexe.jpg" (issue 11, item 11)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import PersonFactory, UserFactory
from zakrila.cases.models import CaseDocument
from zakrila.cases.services import case_open, document_upload
from zakrila.core.text import BIDI_CONTROLS, without_bidi_controls
from zakrila.people.models import Household, Person

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RLO, PDF_END, LRI, PDI, RLM = "\u202e", "\u202c", "\u2066", "\u2069", "\u200f"


def test_every_bidi_control_goes_and_everything_else_stays():
    for char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f":
        assert char in BIDI_CONTROLS
        assert without_bidi_controls(f"Иван{char}gpj.exe") == "Иванgpj.exe"
    # Letters of right-to-left scripts, joiners and ordinary punctuation are names' business.
    kept = "Мария-Елена О’Нийл محمد\u200d"
    assert without_bidi_controls(kept) == kept


def _person_form(**values):
    data = {
        "first_name": "Иван", "middle_name": "", "last_name": "Петров", "description": "", "sex": "male",
        "birth_date": "", "birth_date_precision": "exact", "personal_number": "", "citizenship": "",
        "settlement": "", "municipality": "", "address": "", "phone": "", "languages": "",
        "health_notes": "", "disability_notes": "", "identification_status": "identified", "unit": "",
        "deceased_on": "", "legal_hold_reason": "", "age_years": "",
    }  # fmt: skip
    data.update(values)
    return data


def test_a_person_registered_with_bidi_controls_in_the_names_is_stored_without_them(
    client, case_manager
):
    client.force_login(case_manager)
    response = client.post(
        reverse("people:create"),
        _person_form(
            first_name=f"Иван{RLO}gpj.exe{PDF_END}",
            middle_name=f"{LRI}Петров{PDI}",
            last_name=f"Петров{RLM}",
            description=f"момче{RLO}",
        ),
    )
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.first_name, person.middle_name, person.last_name, person.description) == (
        "Иванgpj.exe",
        "Петров",
        "Петров",
        "момче",
    )
    assert person.first_name_latin == "Ivangpj.exe"
    assert not set(person.search_key) & BIDI_CONTROLS


def test_a_household_name_is_stored_without_bidi_controls(client, case_manager, org, cop):
    child = PersonFactory(organisation=org, unit=cop)
    client.force_login(case_manager)
    client.post(
        reverse("people:household_new", args=[child.pk]),
        {"name": f"Семейство {RLO}ивортсирХ", "settlement": "", "address": ""},
    )
    assert Household.objects.get().name == "Семейство ивортсирХ"


@pytest.fixture
def case(case_manager, cop, org):
    child = PersonFactory(organisation=org, unit=cop)
    return case_open(
        actor=case_manager, unit=cop, person=child, key_worker=case_manager,
        without_referral_reason="x",
    )  # fmt: skip


def test_an_uploaded_document_keeps_its_title_without_bidi_controls(client, case, case_manager):
    client.force_login(case_manager)
    response = client.post(
        reverse("cases:document_new", args=[case.pk]),
        {
            "file": SimpleUploadedFile(f"Иван{RLO}fdp.pdf", PDF),
            "title": f"Решение {RLO}на съда",
            "kind": "court",
            "is_confidential": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    document = CaseDocument.objects.get()
    # Django's multipart parser already drops unprintable characters from the file's name.
    assert document.original_name == "Иванfdp.pdf"
    assert document.title == "Решение на съда"


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        (f"решение.pdf{PDF_END}", "решение.pdf"),  # the suffix is judged without the control
        (f"Иван{RLO}fdp.pdf", "Иванfdp.pdf"),
    ],
)
def test_the_upload_service_judges_and_keeps_the_name_without_bidi_controls(
    case, case_manager, name, kept
):
    """Uploads that do not come through a web form (an import, the API) are cleaned too."""
    document = document_upload(
        actor=case_manager, case=case, upload=SimpleUploadedFile(name, PDF),
        title="Решение", kind="court", is_confidential=True,
    )  # fmt: skip
    assert document.original_name == kept


def test_a_user_and_a_trainee_name_are_cleaned_by_the_model(org):
    from zakrila.training.models import Trainee

    user = UserFactory.build(email="x@example.bg", full_name=f"Мария{RLO} Иванова")
    user.clean()
    assert user.full_name == "Мария Иванова"
    trainee = Trainee(full_name=f"{LRI}Петя Петрова{PDI}")
    trainee.clean()
    assert trainee.full_name == "Петя Петрова"


@pytest.mark.parametrize(
    ("model", "field"),
    [
        ("giving.Donor", "name"),
        ("giving.Volunteer", "full_name"),
        ("programmes.GroupMember", "first_name"),
        ("programmes.Call", "caller_name"),
    ],
)
def test_the_names_of_donors_volunteers_group_members_and_callers_are_cleaned(model, field):
    from django.apps import apps

    record = apps.get_model(model)(**{field: f"Мария{RLO} {LRI}Иванова{PDI}"})
    record.clean()
    assert getattr(record, field) == "Мария Иванова"
