from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from zakrila.accounts.models import User
from zakrila.cases.models import (
    AnswerType,
    Assessment,
    AssessmentTemplate,
    Case,
    CaseStatus,
    ClosureOutcome,
    Contact,
    ContractAnnex,
    DocumentKind,
    PlanActivity,
    Progress,
    Referral,
    ReferralDecision,
    ReviewDecision,
    RiskLevel,
    ServiceContract,
    SupportPlan,
    TemplateQuestion,
)
from zakrila.core.dates import DateTimePickerInput
from zakrila.core.uploads import UploadLimitFormMixin
from zakrila.people.forms import DATE_WIDGET

DATETIME_WIDGET = DateTimePickerInput()


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class ReferralForm(forms.ModelForm):
    """A referral as it arrived: from whom, with which document, why, to which unit."""

    class Meta:
        model = Referral
        fields = [
            "source",
            "document_number",
            "document_date",
            "reason",
            "unit",
            "household",
            "received_on",
        ]
        widgets = {
            "document_date": DATE_WIDGET,
            "received_on": DATE_WIDGET,
            "reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, units: Any, households: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        cast(forms.ModelChoiceField, self.fields["household"]).queryset = households


class ReferralDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (value, label)
            for value, label in ReferralDecision.choices
            if value != ReferralDecision.PENDING
        ],
        widget=forms.RadioSelect,
    )
    key_worker = StaffChoiceField(
        label=_("Key worker of the new case"), queryset=User.objects.none(), required=False
    )
    decision_reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    redirected_to = forms.CharField(label=_("Redirected to"), required=False, max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["key_worker"]).queryset = staff


class CaseOpenForm(forms.Form):
    """Opening a case without a referral: universally accessible services."""

    unit: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    key_worker = StaffChoiceField(label=_("Key worker"), queryset=User.objects.none())
    without_referral_reason = forms.CharField(
        label=_("Opened without a referral because"),
        max_length=300,
        help_text=_(
            "e.g. “a mother asked for a consultation”: information and consultation, up to two months."
        ),
    )
    risk_level = forms.ChoiceField(
        label=_("Risk level"), choices=RiskLevel.choices, initial=RiskLevel.MEDIUM
    )
    is_restricted = forms.BooleanField(
        label=_("Restricted: only the case team and the director see it"), required=False
    )

    def __init__(self, *args: Any, units: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        cast(forms.ModelChoiceField, self.fields["key_worker"]).queryset = staff


class CaseMoveForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Move the case to"))
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = case.version
        cast(forms.ChoiceField, self.fields["to_status"]).choices = [
            (status, CaseStatus(status).label)
            for status in case.allowed_moves()
            if status != CaseStatus.CLOSED
        ]


class CaseEditForm(forms.ModelForm):
    key_worker = StaffChoiceField(label=_("Key worker"), queryset=User.objects.none())
    team = StaffMultipleChoiceField(
        label=_("Team"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Case
        fields = ["risk_level", "is_restricted", "key_worker", "household"]

    def __init__(self, *args: Any, staff: Any, households: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["key_worker"]).queryset = staff
        cast(forms.ModelMultipleChoiceField, self.fields["team"]).queryset = staff
        cast(forms.ModelChoiceField, self.fields["household"]).queryset = households
        self.fields["version"].initial = self.instance.version
        self.fields["team"].initial = list(self.instance.team.values_list("pk", flat=True))


class ContactForm(forms.ModelForm):
    """A contact entered in under a minute on a tablet: kind, when, how long, a note."""

    other_staff = StaffMultipleChoiceField(
        label=_("Other staff"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Contact
        fields = [
            "kind",
            "occurred_at",
            "duration_minutes",
            "place",
            "participants",
            "note",
            "is_confidential",
        ]
        widgets = {
            "occurred_at": DATETIME_WIDGET,
            "note": forms.Textarea(attrs={"rows": 4}),
            "duration_minutes": forms.NumberInput(
                attrs={"min": 1, "max": 1440, "step": 5, "inputmode": "numeric"}
            ),
        }

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["other_staff"]).queryset = staff
        # A copy of this page kept for offline work shows the time it is opened, not kept.
        self.fields["occurred_at"].widget.attrs["data-offline-now"] = ""


class CaseFilterForm(forms.Form):
    """The case list: by unit, status, worker, risk and overdue work."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("open cases")), ("all", _("all")), *CaseStatus.choices],
    )
    unit: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Unit"), required=False, queryset=None, empty_label=_("all units")
    )
    worker = StaffChoiceField(
        label=_("Key worker"), required=False, queryset=User.objects.none(), empty_label=_("anyone")
    )
    risk = forms.ChoiceField(
        label=_("Risk"), required=False, choices=[("", _("any")), *RiskLevel.choices]
    )
    overdue = forms.BooleanField(label=_("With overdue work"), required=False)
    mine = forms.BooleanField(label=_("Only cases I work on"), required=False)

    def __init__(self, *args: Any, units: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        cast(forms.ModelChoiceField, self.fields["worker"]).queryset = staff


class ClosureForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=ClosureOutcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason for closing"), widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ClosureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the closure")), ("reject", _("Return: the work goes on"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FollowUpForm(forms.Form):
    lives_in_family = forms.TypedChoiceField(
        label=_("Does the child live in a family?"),
        choices=[("yes", _("yes")), ("no", _("no"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("What was found"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    done_on = forms.DateField(label=_("Done on"), widget=DATE_WIDGET)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("What"), max_length=200)
    assignee = StaffChoiceField(label=_("Who"), queryset=User.objects.none())
    due_on = forms.DateField(label=_("Due on"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["assignee"]).queryset = staff


class AssessmentForm(forms.Form):
    """A form built from a template version: one field per question, named by its key. Nothing
    is required while the assessment is a draft; completing it checks the required questions."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, assessment: Assessment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        self.sections: list[tuple[Any, list[str]]] = []
        for section in assessment.template.sections.all():
            names = []
            for question in section.questions.all():
                self.fields[question.key] = _answer_field(question)
                if question.key in assessment.answers and not self.is_bound:
                    self.initial[question.key] = _initial(
                        question, assessment.answers[question.key]
                    )
                names.append(question.key)
            self.sections.append((section, names))
        self.fields["version"].initial = assessment.version

    def section_fields(self) -> list[tuple[Any, list[Any]]]:
        return [(section, [self[name] for name in names]) for section, names in self.sections]

    def answers(self) -> dict[str, Any]:
        """The answers as JSON-ready values; empty answers are left out."""
        result: dict[str, Any] = {}
        for question in self.assessment.template.questions():
            value = self.cleaned_data.get(question.key)
            if value in (None, "", []):
                continue
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = float(value)
            result[question.key] = value
        return result


def _answer_field(question: TemplateQuestion) -> forms.Field:
    common: dict[str, Any] = {"label": question.text, "help_text": question.help, "required": False}
    kind = question.answer_type
    if kind == AnswerType.SINGLE:
        return forms.ChoiceField(
            choices=[("", "—"), *question.choice_pairs()], widget=forms.RadioSelect, **common
        )
    if kind == AnswerType.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=question.choice_pairs(), widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == AnswerType.SCALE:
        steps = [(str(n), str(n)) for n in range(question.scale_min, question.scale_max + 1)]
        return forms.TypedChoiceField(
            choices=steps,
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect(attrs={"class": "scale"}),
            **common,
        )
    if kind == AnswerType.YES_NO:
        return forms.TypedChoiceField(
            choices=[("yes", _("yes")), ("no", _("no"))], coerce=lambda v: v == "yes", empty_value=None,
            widget=forms.RadioSelect, **common,
        )  # fmt: skip
    if kind == AnswerType.DATE:
        return forms.DateField(widget=DATE_WIDGET, **common)
    if kind == AnswerType.NUMBER:
        return forms.DecimalField(max_digits=10, decimal_places=2, **common)
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, **common)


def _initial(question: TemplateQuestion, value: Any) -> Any:
    if question.answer_type == AnswerType.YES_NO:
        return "yes" if value else "no"
    if question.answer_type == AnswerType.DATE and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if question.answer_type == AnswerType.SCALE:
        return str(value)
    return value


class AssessmentStartForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Template"), queryset=AssessmentTemplate.objects.none()
    )

    def __init__(self, *args: Any, templates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["template"]).queryset = templates


class PlanForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = SupportPlan
        fields = ["parent_view", "parent_goals", "starts_on", "review_on"]
        widgets = {
            "parent_view": forms.Textarea(attrs={"rows": 3}),
            "parent_goals": forms.Textarea(attrs={"rows": 3}),
            "starts_on": DATE_WIDGET,
            "review_on": DATE_WIDGET,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version


class GoalForm(forms.Form):
    text = forms.CharField(
        label=_("New goal"), max_length=400, error_messages={"required": _("Write the goal.")}
    )


class ActivityForm(forms.ModelForm):
    class Meta:
        model = PlanActivity
        fields = ["what", "who", "frequency", "due_on"]
        widgets = {"due_on": DATE_WIDGET}


class ReviewForm(forms.Form):
    """A review: the progress on every goal of the plan, and the decision."""

    held_on = forms.DateField(label=_("Held on"), widget=DATE_WIDGET)
    decision = forms.ChoiceField(
        label=_("Decision"), choices=ReviewDecision.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, plan: SupportPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = list(plan.goals.all())
        for goal in self.goals:
            self.fields[f"progress_{goal.pk}"] = forms.ChoiceField(
                label=goal.text, choices=[("", "—"), *Progress.choices]
            )
            self.fields[f"comment_{goal.pk}"] = forms.CharField(
                label=_("Comment"), required=False, max_length=400
            )

    def goal_fields(self) -> list[tuple[Any, Any, Any]]:
        return [
            (goal, self[f"progress_{goal.pk}"], self[f"comment_{goal.pk}"]) for goal in self.goals
        ]

    def progress(self) -> dict[int, tuple[str, str]]:
        return {
            goal.pk: (
                self.cleaned_data[f"progress_{goal.pk}"],
                self.cleaned_data[f"comment_{goal.pk}"],
            )
            for goal in self.goals
        }


class ServiceContractForm(forms.ModelForm):
    class Meta:
        model = ServiceContract
        fields = ["number", "signed_on", "starts_on", "ends_on"]
        widgets = {"signed_on": DATE_WIDGET, "starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}


class AnnexForm(forms.ModelForm):
    class Meta:
        model = ContractAnnex
        fields = ["number", "signed_on", "summary"]
        widgets = {"signed_on": DATE_WIDGET}


class DocumentForm(UploadLimitFormMixin, forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, a photo or an office document."))
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=DocumentKind.choices, initial=DocumentKind.OTHER
    )
    is_confidential = forms.BooleanField(
        label=_("Confidential: only the case team, the director and specialists open it"),
        required=False,
        initial=True,
    )
