"""The forms of donations and volunteers. Each lists its fields; refusals come from the
services, and what was typed stays."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zakrila.cases.forms import DATETIME_WIDGET
from zakrila.core.forms import check_period
from zakrila.core.text import query_text
from zakrila.giving.models import (
    AdjustmentReason,
    CertificateWarning,
    DonationKind,
    Donor,
    Item,
    MoneyDonation,
    Store,
    Volunteer,
    VolunteerNeed,
)
from zakrila.people.forms import DATE_WIDGET


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class NameSearchForm(forms.Form):
    """The search box above the lists of donors and of volunteers."""

    q = forms.CharField(label=_("Name"), required=False, max_length=100)

    def clean_q(self) -> str:
        return query_text(self.cleaned_data.get("q"))


class VolunteerSearchForm(NameSearchForm):
    """The volunteers' search: by part of the name, and by the state of the criminal-record
    certificate (the home page's warnings, in full)."""

    certificate = forms.ChoiceField(
        label=_("Criminal-record certificate"),
        required=False,
        choices=[("", _("any")), *CertificateWarning.choices],
    )


class DonationRegisterForm(forms.Form):
    """The register of donations: which kind, received between two days (this year so far
    unless chosen)."""

    kind = forms.ChoiceField(
        label=_("What"), required=False, choices=DonationKind.choices,
    )  # fmt: skip
    since = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    until = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_period(self, data, "since", "until")
        return data

    def period(self) -> tuple[str, dt.date, dt.date]:
        """The kind and the period asked for; a field left empty or typed wrong (the form says
        which) is taken as this year's money donations so far."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        today = timezone.localdate()
        return (
            data.get("kind") or DonationKind.MONEY,
            data.get("since") or today.replace(month=1, day=1),
            data.get("until") or today,
        )


class StoreForm(forms.ModelForm):
    class Meta:
        model = Store
        fields = ["name", "unit", "address"]

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units


class ItemForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = ["name", "category", "measure"]


class ReceivedLineForm(forms.Form):
    """One line of a handover record."""

    item = ItemChoiceField(label=_("Item"), queryset=Item.objects.none(), required=False)
    quantity = forms.DecimalField(
        label=_("Quantity"), min_value=Decimal("0.01"), decimal_places=2, required=False
    )
    unit_value = forms.DecimalField(
        label=_("Estimated value per unit, EUR"), min_value=0, decimal_places=2, required=False
    )
    expires_on = forms.DateField(label=_("Expires on"), widget=DATE_WIDGET, required=False)

    def __init__(self, *args: Any, items: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if items is not None:
            cast(forms.ModelChoiceField, self.fields["item"]).queryset = items

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("item") and not data.get("quantity"):
            self.add_error("quantity", _("How much was received?"))
        if data.get("quantity") and not data.get("item"):
            self.add_error("item", _("Which item?"))
        return data


class GivenLineForm(forms.Form):
    """One line of a distribution."""

    item = ItemChoiceField(label=_("Item"), queryset=Item.objects.none(), required=False)
    quantity = forms.DecimalField(
        label=_("Quantity"), min_value=Decimal("0.01"), decimal_places=2, required=False
    )

    def __init__(self, *args: Any, items: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if items is not None:
            cast(forms.ModelChoiceField, self.fields["item"]).queryset = items

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("item") and not data.get("quantity"):
            self.add_error("quantity", _("How much is handed over?"))
        if data.get("quantity") and not data.get("item"):
            self.add_error("item", _("Which item?"))
        return data


ReceivedLines = forms.formset_factory(ReceivedLineForm, extra=6, max_num=40)
GivenLines = forms.formset_factory(GivenLineForm, extra=5, max_num=40)


def lines_formset(kind: type[forms.BaseFormSet], data: Any, items: Any) -> forms.BaseFormSet:
    return kind(data, prefix="lines", form_kwargs={"items": items})


class DonorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class InKindDonationForm(forms.Form):
    store = forms.ModelChoiceField(label=_("Store"), queryset=Store.objects.none())
    donor = DonorChoiceField(
        label=_("Donor"),
        queryset=Donor.objects.none(),
        required=False,
        empty_label=_("anonymous donor"),
    )
    received_on = forms.DateField(label=_("Received on"), widget=DATE_WIDGET)
    handed_over_by_name = forms.CharField(
        label=_("Handed over by"), max_length=150, required=False,
        help_text=_("The donor or the person who brought the things on the donor's behalf."),
    )  # fmt: skip
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, stores: Any, donors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["store"]).queryset = stores
        cast(forms.ModelChoiceField, self.fields["donor"]).queryset = donors
        self.fields["received_on"].initial = timezone.localdate()


class RecipientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(getattr(obj, "number", "") or obj)


class DistributionForm(forms.Form):
    store = forms.ModelChoiceField(label=_("Store"), queryset=Store.objects.none())
    household = RecipientChoiceField(
        label=_("Family"), queryset=Store.objects.none(), required=False
    )
    case = RecipientChoiceField(
        label=_("or case"), queryset=Store.objects.none(), required=False,
        help_text=_("Choose a family or a case."),
    )  # fmt: skip
    distributed_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    received_by_name = forms.CharField(label=_("Received by"), max_length=150, required=False)
    receipt_signed = forms.BooleanField(label=_("Receipt signed"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, stores: Any, households: Any, cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["store"]).queryset = stores
        cast(forms.ModelChoiceField, self.fields["household"]).queryset = households
        cast(forms.ModelChoiceField, self.fields["case"]).queryset = cases
        self.fields["distributed_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("household")) == bool(data.get("case")):
            raise forms.ValidationError(_("Choose either a family or a case, one of the two."))
        return data


class AdjustForm(forms.Form):
    change = forms.DecimalField(
        label=_("Change"), decimal_places=2,
        help_text=_("Negative to take out (e.g. −3 expired), positive to add what was found."),
    )  # fmt: skip
    reason = forms.ChoiceField(label=_("Reason"), choices=AdjustmentReason.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class DonorForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Donor
        fields = [
            "kind", "name", "eik", "keep_contact", "consent_on", "address", "email", "phone",
            "wishes_to_be_named", "notes",
        ]  # fmt: skip
        widgets = {"consent_on": DATE_WIDGET}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class MoneyDonationForm(forms.ModelForm):
    class Meta:
        model = MoneyDonation
        fields = ["received_on", "amount", "method", "purpose"]
        widgets = {"received_on": DATE_WIDGET}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()


class VolunteerForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Volunteer
        fields = [
            "full_name", "email", "phone", "skills", "consent_on", "record_certificate_number",
            "record_certificate_on",
        ]  # fmt: skip
        widgets = {"consent_on": DATE_WIDGET, "record_certificate_on": DATE_WIDGET}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class NeedForm(forms.ModelForm):
    class Meta:
        model = VolunteerNeed
        fields = [
            "unit", "title", "starts_at", "ends_at", "people_needed", "with_children", "description",
        ]  # fmt: skip
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units


class VolunteerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class AssignmentForm(forms.Form):
    volunteer = VolunteerChoiceField(label=_("Volunteer"), queryset=Volunteer.objects.none())
    starts_at = forms.DateTimeField(
        label=_("From"), widget=DATETIME_WIDGET, required=False,
        help_text=_("Empty: the whole time of the need."),
    )  # fmt: skip
    ends_at = forms.DateTimeField(label=_("Until"), widget=DATETIME_WIDGET, required=False)

    def __init__(self, *args: Any, volunteers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["volunteer"]).queryset = volunteers


class HoursForm(forms.Form):
    hours_done = forms.DecimalField(
        label=_("Hours done"), min_value=0, max_value=24, decimal_places=2
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
