"""The forms of the training centre. Each lists its fields; refusals come from the services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from zakrila.accounts.models import User
from zakrila.people.forms import DATE_WIDGET
from zakrila.training.feedback_templates import SCALE, SCALE_MAX, SCALE_MIN
from zakrila.training.models import (
    Cohort,
    CompletionRule,
    FeedbackTemplate,
    Module,
    ProgrammeEdition,
    Trainee,
    TrainingProgramme,
    TrainingSession,
)


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class EditionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class ProgrammeForm(forms.ModelForm):
    """A new programme: its name and code, and the completion rule of its first edition."""

    completion_rule = forms.ChoiceField(
        label=_("Completion rule"),
        choices=CompletionRule.choices,
        initial=CompletionRule.EVERY_MODULE,
    )
    completion_percent = forms.IntegerField(
        label=_("Share of the hours (%)"), min_value=1, max_value=100, initial=80
    )

    class Meta:
        model = TrainingProgramme
        fields = ["name", "name_en", "code", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class EditionForm(forms.ModelForm):
    """The completion rule of a draft edition."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = ProgrammeEdition
        fields = ["completion_rule", "completion_percent", "changes"]
        widgets = {"changes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version


class ModuleForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Module
        fields = ["title", "title_en", "hours", "trainers", "learning_outcomes"]
        widgets = {"learning_outcomes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class CohortForm(forms.ModelForm):
    """A cohort: which published edition it runs, when, where, with which trainers."""

    edition = EditionChoiceField(
        label=_("Programme edition"), queryset=ProgrammeEdition.objects.none()
    )
    trainers = StaffMultipleChoiceField(
        label=_("Trainers"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Cohort
        fields = ["edition", "name", "starts_on", "ends_on", "place"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}

    def __init__(self, *args: Any, editions: Any, trainers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["edition"]).queryset = editions
        cast(forms.ModelMultipleChoiceField, self.fields["trainers"]).queryset = trainers
        if self.instance.pk:
            # The edition a cohort runs never changes: its trainees are judged against it.
            del self.fields["edition"]
            self.fields["version"].initial = self.instance.version
            self.fields["trainers"].initial = list(
                self.instance.trainers.values_list("pk", flat=True)
            )


class TraineeForm(forms.ModelForm):
    """A specialist of another organisation, as they wrote on the enrolment form."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Trainee
        fields = ["full_name", "employer", "employer_type", "region", "position", "email"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class SessionForm(forms.ModelForm):
    """A session: which module, which day, from when, how many hours."""

    class Meta:
        model = TrainingSession
        fields = ["module", "held_on", "starts_at", "hours"]
        widgets = {
            "held_on": DATE_WIDGET,
            "starts_at": forms.TimeInput(format="%H:%M", attrs={"placeholder": "чч:мм"}),
        }

    def __init__(self, *args: Any, modules: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["module"]).queryset = modules


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the certificate revoked?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit trail; the public page says only that it is revoked."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class FeedbackForm(forms.Form):
    """A questionnaire typed in from paper: the module, then one field per question. Every
    question may be left unanswered."""

    module = forms.ModelChoiceField(label=_("Module"), queryset=Module.objects.none())

    def __init__(self, *args: Any, template: FeedbackTemplate, modules: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["module"]).queryset = modules
        scale = [(str(n), str(n)) for n in range(SCALE_MIN, SCALE_MAX + 1)]
        for question in template.localised_questions():
            key = f"q_{question['key']}"
            if question["type"] == SCALE:
                self.fields[key] = forms.ChoiceField(
                    label=str(question["text"]),
                    choices=scale,
                    required=False,
                    widget=forms.RadioSelect(attrs={"class": "scale"}),
                    help_text=_("1 – poor, 5 – excellent"),
                )
            else:
                self.fields[key] = forms.CharField(
                    label=str(question["text"]),
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    def answers(self) -> dict[str, Any]:
        return {
            name[2:]: value
            for name, value in self.cleaned_data.items()
            if name.startswith("q_") and value not in (None, "")
        }
