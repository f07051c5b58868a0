from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from zakrila.cases.forms import DATETIME_WIDGET
from zakrila.people.forms import DATE_WIDGET
from zakrila.placements.models import Destination, DiaryKind, LegalBasis

DATETIME_FORMATS = ["%d.%m.%Y %H:%M", "%d.%m.%Y"]


class AdmitForm(forms.Form):
    """An admission, at any hour: the case (by its number), the bed, the legal basis."""

    case_number = forms.CharField(
        label=_("Case number"), max_length=40, help_text=_("e.g. ЦОП-2026-0042")
    )
    bed: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Bed"), queryset=None)
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalBasis.choices)
    order_number = forms.CharField(label=_("Order number"), max_length=60, required=False)
    order_date = forms.DateField(label=_("Order date"), required=False, widget=DATE_WIDGET)
    admitted_at = forms.DateTimeField(
        label=_("Admitted at"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
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

    def __init__(self, *args: Any, beds: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["bed"]).queryset = beds


class DischargeForm(forms.Form):
    discharged_at = forms.DateTimeField(
        label=_("Discharged at"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    destination = forms.ChoiceField(
        label=_("Where the child goes"), choices=Destination.choices, widget=forms.RadioSelect
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class DiaryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DiaryKind.choices)
    text = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}))
