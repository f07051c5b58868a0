"""Forms of groups, the SOS line, street and field work. Each lists its fields; a failed form
keeps what was typed."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from zakrila.accounts.models import User
from zakrila.cases.forms import DATETIME_WIDGET, StaffMultipleChoiceField
from zakrila.people.forms import DATE_WIDGET
from zakrila.people.models import Sex
from zakrila.programmes.call_categories import concern_choices
from zakrila.programmes.models import (
    CallChannel,
    CallerKind,
    OnwardReferral,
    OutreachKind,
)

NUMBER = {"inputmode": "numeric"}


def _now_field(field: forms.Field) -> None:
    # A copy of the page kept for offline work shows the time it is opened, not kept.
    field.widget.attrs["data-offline-now"] = ""


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class CallForm(forms.Form):
    """A call logged in under a minute: most fields have a default; nothing about the caller
    is required."""

    started_at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME_WIDGET)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=0, max_value=600, initial=10,
        widget=forms.NumberInput(attrs={**NUMBER, "min": 0, "max": 600}),
    )  # fmt: skip
    channel = forms.ChoiceField(
        label=_("Channel"), choices=CallChannel.choices, initial=CallChannel.PHONE,
        widget=forms.RadioSelect,
    )  # fmt: skip
    caller_kind = forms.ChoiceField(
        label=_("Who calls"), choices=CallerKind.choices, initial=CallerKind.PARENT,
        widget=forms.RadioSelect,
    )  # fmt: skip
    concern = forms.ChoiceField(label=_("Concern"), choices=())
    repeat_caller = forms.BooleanField(label=_("Has called before"), required=False)
    advice = forms.CharField(
        label=_("Advice given"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    referred_to = forms.ChoiceField(
        label=_("Referred on to"), choices=OnwardReferral.choices, required=False
    )
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False, initial=True)
    caller_name = forms.CharField(
        label=_("Caller's name"), max_length=120, required=False,
        help_text=_("Only when the caller gives it and the call is not anonymous."),
    )  # fmt: skip
    caller_phone = forms.CharField(label=_("Caller's phone"), max_length=40, required=False)
    callback_on = forms.DateField(
        label=_("Call back on"), required=False, widget=DATE_WIDGET,
        help_text=_("When the caller asks to be called back: a task for you on that day."),
    )  # fmt: skip
    unit = UnitChoiceField(label=_("Unit"), queryset=None, required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["concern"]).choices = concern_choices()
        _now_field(self.fields["started_at"])
        unit_field = cast(forms.ModelChoiceField, self.fields["unit"])
        unit_field.queryset = units
        self.only_unit = units.first() if len(units) == 1 else None
        if self.only_unit is not None:
            # The line is one unit's: nothing to choose.
            unit_field.widget = forms.HiddenInput()

    def clean_unit(self) -> Any:
        unit = self.cleaned_data.get("unit") or self.only_unit
        if unit is None:
            raise forms.ValidationError(_("Choose the unit."), code="required")
        return unit


class CallReferralForm(forms.Form):
    """The caller agreed and gave details: the child, and why casework is needed."""

    unit = UnitChoiceField(label=_("To unit"), queryset=None)
    first_name = forms.CharField(label=_("Child's first name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Child's last name"), max_length=100, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=200, required=False,
        help_text=_("When the caller gives no name, e.g. “момиче, ~6 г., кв. Дружба”."),
    )  # fmt: skip
    age = forms.IntegerField(label=_("Age (about)"), min_value=0, max_value=25, required=False)
    settlement = forms.CharField(label=_("Settlement"), max_length=100, required=False)
    reason = forms.CharField(
        label=_("Reason for the referral"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    unit = UnitChoiceField(label=_("Unit"), queryset=None)
    meets = forms.CharField(label=_("Meets"), max_length=200, required=False)
    facilitators = StaffMultipleChoiceField(
        label=_("Facilitators"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, units: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        cast(forms.ModelMultipleChoiceField, self.fields["facilitators"]).queryset = staff


class PersonChoiceField(forms.ModelChoiceField):
    def __init__(self, *args: Any, labeller: Any = str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.labeller = labeller

    def label_from_instance(self, obj: Any) -> str:
        return str(self.labeller(obj))


class GroupMemberForm(forms.Form):
    person = PersonChoiceField(label=_("Registered person"), queryset=None, required=False)
    first_name = forms.CharField(
        label=_("Or only a first name"), max_length=100, required=False,
        help_text=_("For a member who is not registered."),
    )  # fmt: skip

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["person"]).queryset = people


class GroupSessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=600, initial=90
    )
    facilitators = StaffMultipleChoiceField(
        label=_("Facilitators"), queryset=User.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["facilitators"]).queryset = staff


class OutreachSessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OutreachKind.choices)
    unit = UnitChoiceField(label=_("Unit"), queryset=None)
    place = forms.CharField(label=_("Where"), max_length=200)
    starts_at = forms.DateTimeField(label=_("When"), widget=DATETIME_WIDGET)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=1440, initial=120
    )
    workers = StaffMultipleChoiceField(
        label=_("Who else went"), queryset=User.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    topic = forms.CharField(
        label=_("Topic"), max_length=200, required=False,
        help_text=_("For a health-education session, e.g. “семейно планиране”."),
    )  # fmt: skip
    headcount = forms.IntegerField(
        label=_("Others present (count)"), min_value=0, max_value=500, initial=0,
        help_text=_("People present who are not recorded by name."),
    )  # fmt: skip
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, units: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        cast(forms.ModelMultipleChoiceField, self.fields["workers"]).queryset = staff
        _now_field(self.fields["starts_at"])


class OutreachContactForm(forms.Form):
    """A person met in a session: one met before, chosen from the list, or a new one described
    in a few words. Nothing else is needed."""

    person = PersonChoiceField(
        label=_("Met before"), queryset=None, required=False,
        help_text=_("Choose the child (or woman) if met before; otherwise describe below."),
    )  # fmt: skip
    description = forms.CharField(
        label=_("Description"), max_length=200, required=False,
        help_text=_("e.g. “момче, ~12 г., гара Русе”"),
    )  # fmt: skip
    nickname = forms.CharField(label=_("Nickname"), max_length=100, required=False)
    first_name = forms.CharField(label=_("First name, if said"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    age = forms.IntegerField(label=_("Age (about)"), min_value=0, max_value=60, required=False)
    note = forms.CharField(
        label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, people: Any, labeller: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(PersonChoiceField, self.fields["person"])
        field.queryset = people
        field.labeller = labeller


class DropInForm(forms.Form):
    visited_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    meal = forms.BooleanField(label=_("Meal"), required=False)
    shower = forms.BooleanField(label=_("Shower"), required=False)
    clothes = forms.BooleanField(label=_("Clothes"), required=False)
    consultation = forms.BooleanField(label=_("Consultation"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class IdentifyForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    middle_name = forms.CharField(label=_("Middle name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DATE_WIDGET)
    personal_number = forms.CharField(label=_("ЕГН / ЛНЧ"), max_length=10, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class StreetCaseForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=None)
    reason = forms.CharField(
        label=_("Why the case is opened"), widget=forms.Textarea(attrs={"rows": 3}),
        initial=_("Met in street work; identified; needs support."),
    )  # fmt: skip

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
