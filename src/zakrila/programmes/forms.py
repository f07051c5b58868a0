"""The programmes' forms. A visit is one short form: the date (today), the kind, a note, and
the one or two questions its schedule asks."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zakrila.accounts.models import User
from zakrila.cases.forms import DATETIME_WIDGET, StaffChoiceField
from zakrila.cases.models import Case
from zakrila.organisations.models import Programme
from zakrila.people.forms import DATE_WIDGET
from zakrila.programmes.models import EnrolmentStatus, VisitKind
from zakrila.programmes.schedules import Schedule, schedule_for

YES_NO = [("yes", _("yes")), ("no", _("no"))]

WARD_WORK = [
    ("ward_visit", _("visit at the ward")),
    ("mediation", _("mediation with relatives")),
    ("documents", _("documents")),
    ("benefits", _("benefits and aid")),
    ("housing", _("housing")),
]


def _question_fields(questions: str, kind: str) -> dict[str, forms.Field]:
    """The questions a scheduled visit asks (named in its schedule's data)."""
    if questions == "in_family":
        return {
            "q_in_family": forms.ChoiceField(
                label=_("Is the child still living in a family?"),
                choices=YES_NO,
                widget=forms.RadioSelect,
            ),
            "q_living_with": forms.ChoiceField(
                label=_("Where does the child live now?"),
                choices=[("", "—"), *schedule_for(kind).outcome_choices()],
                required=False,
            ),
        }
    if questions == "ward_work":
        return {
            "q_work": forms.MultipleChoiceField(
                label=_("Work done"),
                choices=WARD_WORK,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        }
    return {}


class VisitForm(forms.Form):
    """Recording a visit in under a minute: today's date is filled in."""

    done_on = forms.DateField(label=_("Date of the visit"), widget=DATE_WIDGET)
    kind = forms.ChoiceField(label=_("Kind"), choices=VisitKind.choices)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        required=False,
        min_value=1,
        max_value=24 * 60,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, questions: str = "", kind: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"done_on": timezone.localdate(), "kind": VisitKind.HOME})
        super().__init__(*args, **kwargs)
        self.fields["done_on"].widget.attrs["data-offline-now"] = ""
        self.fields.update(_question_fields(questions, kind))

    def clean_done_on(self) -> dt.date:
        done_on = cast(dt.date, self.cleaned_data["done_on"])
        if done_on > timezone.localdate():
            raise forms.ValidationError(_("A visit cannot be recorded for a future date."))
        return done_on

    def answers(self) -> dict[str, Any]:
        return {
            name.removeprefix("q_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("q_") and value not in ("", [], None)
        }

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "done_on": data["done_on"],
            "kind": data["kind"],
            "duration_minutes": data.get("duration_minutes"),
            "note": data.get("note", ""),
            "answers": self.answers(),
        }


class VisitMissForm(forms.Form):
    missed_reason = forms.CharField(label=_("Why did the visit not happen?"), max_length=300)


class EnrolForm(forms.Form):
    """Enrol a person (from their page) in one of the programmes the user may see."""

    programme: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none()
    )
    worker = StaffChoiceField(label=_("Responsible worker"), queryset=User.objects.none())
    started_on = forms.DateField(label=_("Enrolled on"), widget=DATE_WIDGET)
    case: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Case"), queryset=Case.objects.none(), required=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, programmes: Any, staff: Any, cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["programme"]).queryset = programmes
        cast(forms.ModelChoiceField, self.fields["worker"]).queryset = staff
        cast(forms.ModelChoiceField, self.fields["case"]).queryset = cases


class EnrolmentEndForm(forms.Form):
    status = forms.ChoiceField(
        label=_("How does the enrolment end?"),
        choices=[c for c in EnrolmentStatus.choices if c[0] != EnrolmentStatus.ACTIVE],
    )
    ended_on = forms.DateField(label=_("Ended on"), widget=DATE_WIDGET)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)
    outcome_on = forms.DateField(label=_("Date of the outcome"), required=False, widget=DATE_WIDGET)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, schedule: Schedule, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["outcome"]).choices = [
            ("", "—"),
            *schedule.outcome_choices(),
        ]


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"))

    def __init__(self, *args: Any, schedule: Schedule, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["stage"]).choices = schedule.stage_choices()


# --- The four programmes' own forms -------------------------------------------------------------


class _NewPersonFields(forms.Form):
    """A person typed in when they are not registered yet (names in Cyrillic, all optional)."""

    def person_data(self, prefix: str) -> dict[str, Any]:
        data = self.cleaned_data
        fields = ("first_name", "middle_name", "last_name", "birth_date", "personal_number")
        return {
            name: data[f"{prefix}_{name}"]
            for name in fields
            if f"{prefix}_{name}" in data and data[f"{prefix}_{name}"] not in ("", None)
        }


def _name_fields(prefix: str, who: Any) -> dict[str, forms.Field]:
    return {
        f"{prefix}_first_name": forms.CharField(
            label=_("%(who)s: first name") % {"who": who}, required=False, max_length=100
        ),
        f"{prefix}_middle_name": forms.CharField(
            label=_("%(who)s: middle name") % {"who": who}, required=False, max_length=100
        ),
        f"{prefix}_last_name": forms.CharField(
            label=_("%(who)s: last name") % {"who": who}, required=False, max_length=100
        ),
        f"{prefix}_birth_date": forms.DateField(
            label=_("%(who)s: birth date") % {"who": who}, required=False, widget=DATE_WIDGET
        ),
        f"{prefix}_personal_number": forms.CharField(
            label=_("%(who)s: ЕГН / ЛНЧ") % {"who": who}, required=False, max_length=10
        ),
    }


class MaternitySignalForm(_NewPersonFields):
    """A signal at any hour: where from, who called, the mother, the newborn, the risks."""

    hospital = forms.CharField(label=_("Hospital"), max_length=200)
    ward = forms.CharField(label=_("Ward"), max_length=100, required=False)
    signalled_at = forms.DateTimeField(label=_("Signal received at"), widget=DATETIME_WIDGET)
    caller = forms.CharField(label=_("Who called"), max_length=200)
    newborn_first_name = forms.CharField(
        label=_("Newborn: first name (if given)"), required=False, max_length=100
    )
    newborn_sex = forms.ChoiceField(label=_("Newborn: sex"), choices=[])
    newborn_birth_date = forms.DateField(
        label=_("Newborn: birth date"), required=False, widget=DATE_WIDGET
    )
    risk_factors = forms.MultipleChoiceField(
        label=_("Risk factors"), choices=[], required=False, widget=forms.CheckboxSelectMultiple
    )
    worker = StaffChoiceField(label=_("Responsible worker"), queryset=User.objects.none())

    def __init__(
        self, *args: Any, staff: Any, mother: Any, show_health: bool, **kwargs: Any
    ) -> None:
        from zakrila.people.models import Sex
        from zakrila.programmes.models import MATERNITY_HEALTH_RISKS, MaternityRisk

        super().__init__(*args, **kwargs)
        if mother is None:
            self.fields.update(_name_fields("mother", _("Mother")))
            self.fields["mother_first_name"].required = True
        cast(forms.ChoiceField, self.fields["newborn_sex"]).choices = Sex.choices
        cast(forms.MultipleChoiceField, self.fields["risk_factors"]).choices = [
            (value, label)
            for value, label in MaternityRisk.choices
            if show_health or value not in MATERNITY_HEALTH_RISKS
        ]
        cast(forms.ModelChoiceField, self.fields["worker"]).queryset = staff
        self.fields["signalled_at"].widget.attrs["data-offline-now"] = ""


class PregnancyForm(_NewPersonFields):
    """A pregnancy: the woman, the last menstrual period or the due date; the health details
    only for the roles that may see health notes."""

    last_period_on = forms.DateField(
        label=_("Last menstrual period"), required=False, widget=DATE_WIDGET
    )
    due_on = forms.DateField(
        label=_("Estimated due date"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Give one of the two: the other is computed by Naegele's rule."),
    )
    worker = StaffChoiceField(label=_("Responsible worker"), queryset=User.objects.none())

    def __init__(
        self, *args: Any, staff: Any, woman: Any, show_health: bool, **kwargs: Any
    ) -> None:
        from zakrila.programmes.models import PregnancyRisk

        super().__init__(*args, **kwargs)
        if woman is None:
            self.fields.update(_name_fields("woman", _("Woman")))
            self.fields["woman_first_name"].required = True
        cast(forms.ModelChoiceField, self.fields["worker"]).queryset = staff
        if show_health:
            self.fields["has_gp"] = forms.BooleanField(
                label=_("Registered with a GP"), required=False
            )
            self.fields["has_obstetrician"] = forms.BooleanField(
                label=_("Followed by an obstetrician"), required=False
            )
            self.fields["risk_flags"] = forms.MultipleChoiceField(
                label=_("Risk flags"),
                choices=PregnancyRisk.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields["health_note"] = forms.CharField(
                label=_("Health note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("last_period_on") and not data.get("due_on"):
            raise forms.ValidationError(
                _("Give the last menstrual period or the estimated due date.")
            )
        return data


class BirthForm(forms.Form):
    birth_on = forms.DateField(label=_("Date of the birth"), widget=DATE_WIDGET)
    outcome = forms.ChoiceField(label=_("Outcome"))
    newborn_first_name = forms.CharField(
        label=_("Newborn: first name (if given)"), required=False, max_length=100
    )
    newborn_sex = forms.ChoiceField(label=_("Newborn: sex"), choices=[])
    enrol_in: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Enrol the newborn in"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("no programme"),
    )

    def __init__(self, *args: Any, schedule: Schedule, programmes: Any, **kwargs: Any) -> None:
        from zakrila.people.models import Sex

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["outcome"]).choices = schedule.outcome_choices()
        cast(forms.ChoiceField, self.fields["newborn_sex"]).choices = Sex.choices
        cast(forms.ModelChoiceField, self.fields["enrol_in"]).queryset = programmes


class LeavingForm(_NewPersonFields):
    institution = forms.CharField(label=_("Institution"), max_length=200)
    institution_kind = forms.ChoiceField(label=_("Kind of institution"), choices=[])
    planned_on = forms.DateField(label=_("Planned to leave on"), required=False, widget=DATE_WIDGET)
    worker = StaffChoiceField(label=_("Responsible worker"), queryset=User.objects.none())
    case: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Case"), queryset=Case.objects.none(), required=False
    )

    def __init__(self, *args: Any, staff: Any, cases: Any, child: Any, **kwargs: Any) -> None:
        from zakrila.programmes.models import InstitutionKind

        super().__init__(*args, **kwargs)
        if child is None:
            self.fields.update(_name_fields("child", _("Child")))
            self.fields["child_first_name"].required = True
        cast(forms.ChoiceField, self.fields["institution_kind"]).choices = InstitutionKind.choices
        cast(forms.ModelChoiceField, self.fields["worker"]).queryset = staff
        cast(forms.ModelChoiceField, self.fields["case"]).queryset = cases


class LeftForm(forms.Form):
    left_on = forms.DateField(label=_("Left the institution on"), widget=DATE_WIDGET)
    destination = forms.ChoiceField(label=_("Moved to"))

    def __init__(self, *args: Any, schedule: Schedule, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["destination"]).choices = schedule.outcome_choices()


class ScreeningForm(forms.Form):
    """A screening: our own scale by default; another instrument by its name, its highest
    score and the domain scores (never its items)."""

    screened_on = forms.DateField(label=_("Date of the screening"), widget=DATE_WIDGET)
    instrument = forms.CharField(
        label=_("Another instrument (its name)"),
        required=False,
        max_length=120,
        help_text=_("Leave empty for our own scale. Only the name and the domain scores are kept."),
    )
    score_max = forms.IntegerField(
        label=_("Its highest score of a domain"), required=False, min_value=1, max_value=1000
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from zakrila.programmes.screening import screening_scale

        super().__init__(*args, **kwargs)
        scale = screening_scale()
        levels = "; ".join(label for _value, label in scale.levels())
        for domain in scale.domains:
            self.fields[f"score_{domain.key}"] = forms.IntegerField(
                label=domain.title,
                required=False,
                min_value=0,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                help_text=levels,
            )

    def scores(self) -> dict[str, int]:
        return {
            name.removeprefix("score_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("score_") and name != "score_max" and value is not None
        }


class GoalForm(forms.Form):
    text = forms.CharField(label=_("The parent's goal, in their words"), max_length=300)
