"""The programmes' forms. A visit is one short form: the date (today), the kind, a note, and
the one or two questions its schedule asks."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zakrila.accounts.models import User
from zakrila.cases.forms import StaffChoiceField
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
