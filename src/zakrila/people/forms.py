from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zakrila.core.dates import DatePickerInput
from zakrila.people.models import (
    BirthDatePrecision,
    Consent,
    Disclosure,
    Household,
    HouseholdMember,
    IdentificationStatus,
    LegalBasis,
    Person,
    Relationship,
)
from zakrila.people.queries import AGE_BANDS

# The browser's date picker (zakrila.core.dates); every DateField gets it, this name stays for
# the forms that list their widgets.
DATE_WIDGET = DatePickerInput()


class PersonForm(forms.ModelForm):
    """Registering or editing a person. Confidential fields appear only for the roles that may
    see them; for others they are left out and kept as they are."""

    age_years = forms.IntegerField(
        label=_("Approximate age in years"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("When the birth date is not known, e.g. 12 for “about 12”."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    not_a_duplicate = forms.BooleanField(
        label=_("I checked the people above: this is a different person."), required=False
    )

    class Meta:
        model = Person
        fields = list(Person.EDITABLE_FIELDS)
        widgets = {
            "birth_date": DATE_WIDGET,
            "deceased_on": DATE_WIDGET,
            "health_notes": forms.Textarea(attrs={"rows": 3}),
            "disability_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, units: Any, show_confidential: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        self.fields["unit"].required = False
        if not show_confidential:
            for name in Person.SENSITIVE_FIELDS:
                del self.fields[name]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            del self.fields["not_a_duplicate"]

    def clean_first_name(self) -> str:
        return " ".join(self.cleaned_data["first_name"].split())

    def clean_last_name(self) -> str:
        return " ".join(self.cleaned_data["last_name"].split())

    def clean_personal_number(self) -> str:
        return "".join(self.cleaned_data["personal_number"].split())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        age = data.get("age_years")
        if age is not None and not data.get("birth_date"):
            today = timezone.localdate()
            data["birth_date"] = dt.date(today.year - age, 7, 1)
            data["birth_date_precision"] = BirthDatePrecision.ESTIMATED
            self.instance.birth_date = data["birth_date"]
            self.instance.birth_date_precision = BirthDatePrecision.ESTIMATED
        if not (data.get("first_name") or data.get("last_name") or data.get("description")):
            self.add_error(
                "first_name", _("Write a name, or for an unknown person a short description.")
            )
        status = data.get("identification_status")
        if status == IdentificationStatus.IDENTIFIED and not (
            data.get("first_name") and data.get("last_name")
        ):
            self.add_error(
                "identification_status",
                _(
                    "An identified person has a first and a last name. Choose “partly identified” or “anonymous”."
                ),
            )
        return data

    def service_data(self) -> dict[str, Any]:
        """The values to give the service: the model fields this form shows."""
        return {
            name: self.cleaned_data[name] for name in self.fields if name in Person.EDITABLE_FIELDS
        }


class PeopleFilterForm(forms.Form):
    age_band = forms.ChoiceField(
        label=_("Age"),
        required=False,
        choices=[("", _("any age")), *[(band, band) for band in AGE_BANDS]],
    )
    unit: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Unit"), required=False, queryset=None, empty_label=_("all units")
    )
    status = forms.ChoiceField(
        label=_("Identification"),
        required=False,
        choices=[("", _("any")), *IdentificationStatus.choices],
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units


class HouseholdForm(forms.ModelForm):
    class Meta:
        model = Household
        fields = ["name", "settlement", "address"]


class HouseholdMemberForm(forms.ModelForm):
    """Add a person already registered to the household (found by the search above the form)."""

    person: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Person"),
        queryset=None,
        widget=forms.HiddenInput,
        error_messages={"required": _("Find the person first and choose them in the list.")},
    )

    class Meta:
        model = HouseholdMember
        fields = [
            "person",
            "relationship",
            "is_legal_representative",
            "lives_with_child",
            "starts_on",
        ]
        widgets = {"starts_on": DATE_WIDGET}

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["person"]).queryset = people
        cast(forms.ChoiceField, self.fields["relationship"]).choices = Relationship.choices


class ConsentForm(forms.ModelForm):
    given_by: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Given by"), queryset=None)

    class Meta:
        model = Consent
        fields = ["purpose", "given_by", "legal_basis", "given_on", "notes"]
        widgets = {"given_on": DATE_WIDGET, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["given_by"]).queryset = people


class DisclosureForm(forms.ModelForm):
    consent: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Consent"), queryset=None, required=False
    )

    class Meta:
        model = Disclosure
        fields = ["recipient", "what", "legal_basis", "consent", "disclosed_on"]
        widgets = {"disclosed_on": DATE_WIDGET}

    def __init__(self, *args: Any, consents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["consent"]).queryset = consents
        cast(forms.ChoiceField, self.fields["legal_basis"]).choices = [
            ("", "—"),
            *LegalBasis.choices,
        ]


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, consent: Consent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consent = consent

    def clean_withdrawn_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["withdrawn_on"]
        if day < self.consent.given_on:
            raise forms.ValidationError(_("A consent cannot be withdrawn before it was given."))
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future."))
        return day


class EraseForm(forms.Form):
    reason = forms.CharField(label=_("Why is the data erased?"), max_length=300)


class MergeForm(forms.Form):
    """Two records of one person: which one to keep, or that they are different people."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("merge", _("The same person: merge")), ("different", _("Different people"))],
        widget=forms.RadioSelect,
    )
    keep = forms.ChoiceField(label=_("Keep the record"), widget=forms.RadioSelect, required=False)

    def __init__(self, *args: Any, choices: list[tuple[int, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["keep"]).choices = [
            (pk, f"#{pk} {person}") for pk, person in choices
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "merge" and not data.get("keep"):
            self.add_error("keep", _("Choose the record to keep; the other becomes part of it."))
        return data
