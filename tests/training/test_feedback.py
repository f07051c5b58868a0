"""Anonymous feedback per module, from a questionnaire defined as data, averaged per module
and for the cohort."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.training.conftest import make_cohort, make_edition
from zakrila.training.feedback_templates import current_template, template_check, template_install
from zakrila.training.models import FeedbackResponse
from zakrila.training.queries import feedback_summary
from zakrila.training.services import feedback_record


@pytest.fixture
def cohort(trainer):
    return make_cohort(trainer, make_edition(trainer, hours=(8, 8)))


def test_a_response_names_no_trainee(trainer, cohort):
    fields = {f.name for f in FeedbackResponse._meta.get_fields()}
    assert not {"trainee", "trainee_id", "person", "email"} & fields
    module = cohort.edition.modules.get(number=1)
    response = feedback_record(
        actor=trainer, cohort=cohort, module=module, answers={"overall": "4"}
    )
    assert response.answers == {"overall": 4}


def test_averages_per_module_and_for_the_cohort(trainer, cohort):
    first, second = cohort.edition.modules.order_by("number")
    for module, overall in ((first, 5), (first, 4), (second, 3)):
        feedback_record(
            actor=trainer, cohort=cohort, module=module,
            answers={"overall": overall, "usefulness": 5, "best": "случаите"},
        )  # fmt: skip
    summary = feedback_summary(cohort)
    keys = [q["key"] for q in summary.questions]
    overall = keys.index("overall")
    by_module = {module.number: (count, averages) for module, count, averages in summary.modules}
    assert by_module[1][0] == 2 and by_module[1][1][overall] == Decimal("4.50")
    assert by_module[2][0] == 1 and by_module[2][1][overall] == Decimal("3.00")
    assert summary.cohort_averages[overall] == Decimal("4.00")
    assert summary.responses == 3 and len(summary.comments) == 3


def test_a_scale_answer_out_of_range_or_an_empty_questionnaire_is_refused(trainer, cohort):
    module = cohort.edition.modules.get(number=1)
    with pytest.raises(ValidationError) as refusal:
        feedback_record(actor=trainer, cohort=cohort, module=module, answers={"overall": 9})
    assert "overall" in refusal.value.error_dict
    with pytest.raises(ValidationError, match="Въпросникът е празен"):
        feedback_record(actor=trainer, cohort=cohort, module=module, answers={"overall": ""})
    assert not FeedbackResponse.objects.exists()


def test_a_questionnaire_is_data_and_a_changed_file_is_a_new_version(db):
    template = current_template()
    data = {
        "code": template.code, "name_bg": template.name_bg, "name_en": template.name_en,
        "questions": [*template.questions, {"key": "pace", "text_bg": "Темпо", "type": "scale"}],
    }  # fmt: skip
    newer = template_install(data)
    assert newer.version == template.version + 1 and current_template() == newer
    with pytest.raises(ValidationError):
        template_check({"code": "x", "name_bg": "x", "questions": [{"key": "a", "type": "stars"}]})


def test_typing_in_a_questionnaire_and_reading_the_results(client, trainer, cohort):
    module = cohort.edition.modules.get(number=2)
    client.force_login(trainer)
    response = client.post(
        reverse("training:feedback_new", args=[cohort.pk]),
        {"module": module.pk, "q_overall": "5", "q_trainers": "4", "q_improve": "повече почивки"},
    )
    assert response.status_code == 302
    saved = FeedbackResponse.objects.get()
    assert saved.answers == {"overall": 5, "trainers": 4, "improve": "повече почивки"}
    page = client.get(reverse("training:feedback", args=[cohort.pk])).content.decode()
    assert "повече почивки" in page and "5,00" in page


def test_feedback_on_another_organisations_module_is_refused(trainer, other_trainer, cohort):
    foreign = make_edition(other_trainer, hours=(8,)).modules.get()
    with pytest.raises(ValidationError, match="различни организации"):
        feedback_record(actor=trainer, cohort=cohort, module=foreign, answers={"overall": 4})
    assert not FeedbackResponse.objects.exists()
