from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from zakrila.audit.describe import kind_name, registered_kinds
from zakrila.audit.models import AuditAction
from zakrila.core.forms import check_period


class AuditSearchForm(forms.Form):
    """The DPO's filters over the organisation's audit trail."""

    actor = forms.CharField(label=_("Who (name or email)"), required=False, max_length=254)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("any")), *AuditAction.choices]
    )
    object_type = forms.ChoiceField(label=_("Record type"), required=False)
    object_id = forms.CharField(label=_("Record id"), required=False, max_length=40)
    person_id = forms.IntegerField(label=_("Person id"), required=False, min_value=1)
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = sorted(((t, kind_name(t)) for t in registered_kinds()), key=lambda pair: pair[1])
        cast(forms.ChoiceField, self.fields["object_type"]).choices = [("", _("any")), *kinds]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_period(self, data, "date_from", "date_to")
        return data

    def used_filters(self) -> dict[str, str]:
        """The filters actually set, as text, for the audit record of this search."""
        if not self.is_valid():
            return {}
        return {
            key: str(value) for key, value in self.cleaned_data.items() if value not in (None, "")
        }
