"""Assessments from templates defined as data: drafts, completion, approval, versions, print."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import PersonFactory, member
from zakrila.accounts.models import Role
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.cases.assessment_templates import SHIPPED, template_import
from zakrila.cases.models import Assessment, AssessmentTemplate
from zakrila.cases.services import assessment_start, case_open

SCREENING = {
    "age_months": "30", "screened_on": "20.11.2026", "motor": "3", "cognitive": "2", "speech": "1",
    "social_emotional": "3", "self_care": "2", "observations": "Говори отделни думи.", "referrals": ["speech_therapist"],
}  # fmt: skip


@pytest.fixture
def case(case_manager, cop, org):
    child = PersonFactory(organisation=org, unit=cop, first_name="Калина", last_name="Петрова")
    return case_open(
        actor=case_manager,
        unit=cop,
        person=child,
        key_worker=case_manager,
        without_referral_reason="ранна интервенция",
    )


@pytest.fixture
def screening(case, case_manager):
    template = AssessmentTemplate.objects.get(code="development-0-6", is_current=True)
    return assessment_start(actor=case_manager, case=case, template=template)


def test_the_three_templates_are_installed_with_bulgarian_and_english_text(db):
    codes = set(AssessmentTemplate.objects.filter(is_current=True).values_list("code", flat=True))
    assert codes == {"individual-needs", "abandonment-risk", "development-0-6"}
    needs = AssessmentTemplate.objects.get(code="individual-needs")
    titles = [section.title_bg for section in needs.sections.all()]
    assert titles == [
        "Потребности на детето за развитие",
        "Родителски капацитет",
        "Фактори на семейството и средата",
    ]
    assert all(q.text_en for q in needs.questions())


def test_a_draft_keeps_partial_answers_and_completion_needs_the_required_ones(
    client, case_manager, screening
):
    client.force_login(case_manager)
    url = screening.get_absolute_url()
    response = client.post(url, {"version": screening.version, "motor": "3", "action": "save"})
    assert response.status_code == 302
    screening.refresh_from_db()
    assert (screening.status, screening.answers) == ("draft", {"motor": 3})
    response = client.post(url, {"version": screening.version, "motor": "3", "action": "complete"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {
        "age_months",
        "screened_on",
        "cognitive",
        "speech",
        "social_emotional",
        "self_care",
    }
    assert "Отговорете" in errors["speech"][0]
    response = client.post(url, {**SCREENING, "version": screening.version, "action": "complete"})
    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.status == "completed"
    assert screening.answers["screened_on"] == "2026-11-20"
    assert screening.answers["referrals"] == ["speech_therapist"]
    assert screening.answers["age_months"] == 30
    update = (
        AuditEvent.objects.filter(object_type="cases.assessment", action=AuditAction.UPDATE)
        .order_by("id")
        .last()
    )
    assert "Говори" not in json.dumps(update.changes, ensure_ascii=False)


def test_a_value_outside_the_scale_is_refused(client, case_manager, screening):
    client.force_login(case_manager)
    response = client.post(
        screening.get_absolute_url(),
        {**SCREENING, "motor": "7", "version": screening.version, "action": "complete"},
    )
    assert "motor" in response.context["form"].errors
    assert (
        'value="Говори отделни думи."' in response.content.decode()
        or "Говори отделни думи." in response.content.decode()
    )


def test_only_the_director_approves(client, org, case_manager, screening):
    client.force_login(case_manager)
    client.post(
        screening.get_absolute_url(),
        {**SCREENING, "version": screening.version, "action": "complete"},
    )
    response = client.post(reverse("cases:assessment_approve", args=[screening.pk]))
    assert response.status_code == 403
    director = member(org, Role.DIRECTOR, email="dir@example.bg")
    client.force_login(director)
    client.post(reverse("cases:assessment_approve", args=[screening.pk]))
    screening.refresh_from_db()
    assert (screening.status, screening.approved_by) == ("approved", director)


def test_answers_are_confidential_and_other_organisations_see_nothing(
    client, org, outsider, screening
):
    field_worker = member(org, Role.FIELD_WORKER, email="field@example.bg")
    client.force_login(field_worker)
    response = client.get(screening.get_absolute_url())
    assert response.status_code == 403
    assert "поверителни" in response.content.decode()
    client.force_login(outsider)
    assert client.get(screening.get_absolute_url()).status_code == 404
    assert client.get(reverse("cases:assessment_pdf", args=[screening.pk])).status_code == 404


def test_a_changed_template_is_a_new_version_and_old_answers_keep_theirs(
    client, case_manager, case, screening
):
    screening.answers = {"motor": 2}
    screening.save()
    data = json.loads((SHIPPED / "development-0-6.json").read_text(encoding="utf-8"))
    data["sections"][1]["questions"][0]["text_bg"] = "Груба моторика"
    new, created = template_import(data)
    assert created and new.version == 2
    assert template_import(data) == (new, False)
    old = AssessmentTemplate.objects.get(code="development-0-6", version=1)
    assert not old.is_current
    client.force_login(case_manager)
    page = client.get(screening.get_absolute_url())
    assert "Двигателно развитие" in page.content.decode()
    start = client.get(reverse("cases:assessment_new", args=[case.pk]))
    assert old not in start.context["form"].fields["template"].queryset


def test_a_new_template_is_added_from_a_file_and_a_bad_one_is_refused(db, tmp_path):
    good = {"code": "school-readiness", "name_bg": "Готовност за училище", "sections": [
        {"title_bg": "Умения", "questions": [{"key": "letters", "text_bg": "Познава ли буквите?", "type": "yes_no"}]}]}  # fmt: skip
    path = tmp_path / "template.json"
    path.write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    call_command("templates", "import", str(path))
    assert (
        AssessmentTemplate.objects.get(code="school-readiness").questions()[0].answer_type
        == "yes_no"
    )
    bad = {
        **good,
        "sections": [
            {"title_bg": "Умения", "questions": [{"key": "x", "text_bg": "?", "type": "single"}]}
        ],
    }
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(CommandError, match="избор"):
        call_command("templates", "import", str(path))


def test_the_printed_assessment_has_the_cyrillic_questions_and_answers_and_is_recorded(
    client, case_manager, screening
):
    client.force_login(case_manager)
    client.post(
        screening.get_absolute_url(),
        {**SCREENING, "version": screening.version, "action": "complete"},
    )
    response = client.get(reverse("cases:assessment_pdf", args=[screening.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Скрининг на развитието" in text
    assert "Реч и език" in text
    assert "20.11.2026" in text
    assert "логопед" in text
    assert (
        AuditEvent.objects.filter(action=AuditAction.PRINT, object_type="cases.assessment").count()
        == 1
    )


def test_an_assessment_is_not_started_on_a_closed_case(case, case_manager, org):
    from zakrila.cases.services import closure_request

    director = member(org, Role.DIRECTOR, email="dir@example.bg")
    closure_request(
        actor=director,
        case=case,
        outcome="stays_in_family",
        reason="край",
        expected_version=case.version,
    )
    template = AssessmentTemplate.objects.get(code="abandonment-risk", is_current=True)
    with pytest.raises(Exception, match="закрит"):
        assessment_start(actor=case_manager, case=case, template=template)
    assert not Assessment.objects.exists()
