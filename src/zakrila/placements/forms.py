from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from zakrila.cases.forms import DATETIME_WIDGET
from zakrila.people.forms import DATE_WIDGET
from zakrila.people.models import Sex
from zakrila.placements.models import Destination, DiaryKind, LegalBasis


class AdmissionForm(forms.Form):
    """What every admission records, at any hour: the bed, the legal basis, the time; and the
    director's reasons for going past a rule."""

    bed: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Bed"), queryset=None)
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalBasis.choices)
    order_number = forms.CharField(label=_("Order number"), max_length=60, required=False)
    order_date = forms.DateField(label=_("Order date"), required=False, widget=DATE_WIDGET)
    admitted_at = forms.DateTimeField(label=_("Admitted at"), widget=DATETIME_WIDGET)
    planned_end = forms.DateField(label=_("Planned end"), required=False, widget=DATE_WIDGET)
    override_reason = forms.CharField(
        label=_("Reason for admitting over capacity (director only)"),
        max_length=300,
        required=False,
    )
    late_entry_reason = forms.CharField(
        label=_("Reason for recording an admission older than a week (director only)"),
        max_length=300,
        required=False,
    )

    ADMISSION_FIELDS = ("bed", "legal_basis", "order_number", "order_date", "admitted_at", "planned_end")  # fmt: skip
    DIRECTOR_FIELDS = ("override_reason", "late_entry_reason")

    def __init__(self, *args: Any, beds: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["bed"]).queryset = beds

    def admission_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.ADMISSION_FIELDS]

    def director_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.DIRECTOR_FIELDS]

    def director_fields_have_errors(self) -> bool:
        return any(name in self.errors for name in self.DIRECTOR_FIELDS)

    def admission_data(self) -> dict[str, Any]:
        """The arguments of ``placement_admit`` this form collects."""
        data = self.cleaned_data
        return {name: data[name] for name in (*self.ADMISSION_FIELDS, *self.DIRECTOR_FIELDS)}


class AdmitForm(AdmissionForm):
    """An admission of a child whose case is found with the search box above the form."""

    case: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("The child's case"),
        queryset=None,
        error_messages={
            "required": _(
                "Find the child's case with the search box and choose it, or register a new child."
            ),
            "invalid_choice": _(
                "There is no case like this that you may see. Search again, or register a new child."
            ),
        },
    )

    def __init__(self, *args: Any, cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["case"]).queryset = cases


class NewChildAdmitForm(AdmissionForm):
    """The night admission of a child who is not registered yet: a name (or a description) and
    an approximate age are enough; the case is opened with the admission."""

    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    description = forms.CharField(
        label=_("Description, when the name is not known"),
        max_length=200,
        required=False,
        help_text=_("e.g. “момиче, ~10 г., доведено от полицията”"),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    age_years = forms.IntegerField(
        label=_("Approximate age, years"),
        min_value=0,
        max_value=17,
        help_text=_("0 for a baby: then give the months."),
    )
    age_months = forms.IntegerField(
        label=_("and months"), min_value=0, max_value=11, required=False
    )
    not_a_duplicate = forms.BooleanField(
        label=_("I checked the children above: this is a different child."), required=False
    )

    CHILD_FIELDS = ("first_name", "last_name", "description", "sex", "age_years", "age_months")

    def child_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.CHILD_FIELDS]

    def clean_first_name(self) -> str:
        return " ".join(self.cleaned_data["first_name"].split())

    def clean_last_name(self) -> str:
        return " ".join(self.cleaned_data["last_name"].split())

    def clean_description(self) -> str:
        return " ".join(self.cleaned_data["description"].split())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("first_name") or data.get("last_name") or data.get("description")):
            self.add_error(
                "first_name",
                _("Write the child's name, or if it is not known, a short description."),
            )
        return data

    def child_data(self) -> dict[str, Any]:
        """The arguments of ``placement_admit_new_child`` about the child."""
        data = self.cleaned_data
        return {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "description": data["description"],
            "sex": data["sex"],
            "age_years": data["age_years"],
            "age_months": data["age_months"] or 0,
        }


class DischargeForm(forms.Form):
    discharged_at = forms.DateTimeField(label=_("Discharged at"), widget=DATETIME_WIDGET)
    destination = forms.ChoiceField(
        label=_("Where the child goes"), choices=Destination.choices, widget=forms.RadioSelect
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class DiaryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DiaryKind.choices)
    text = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}))
