from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Sign in with an email address and a password."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "The email address or the password is wrong. Check them and try again; "
            "after several wrong attempts the account is locked for a while."
        ),
        "inactive": _("This account is disabled. Ask your director or administrator."),
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class UnitSwitchForm(forms.Form):
    """Which unit the user is working in; empty for all the units they reach."""

    unit = forms.IntegerField(required=False)
    next = forms.CharField(required=False)


class OneTimeCodeForm(forms.Form):
    """The 6-digit code from the authenticator app, or a recovery code."""

    token = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip().replace(" ", "")
        if not token:
            raise forms.ValidationError(_("Type the code."))
        return token


class ReplaceAuthenticatorForm(OneTimeCodeForm):
    """Connecting a new app to an account that has one: the current second factor first."""

    field_order = ["current_token", "token"]

    current_token = forms.CharField(
        label=_("Code from your current app, or a recovery code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["token"].label = _("Code from the new app")
        self.fields["token"].widget.attrs.pop("autofocus", None)
        self.fields["current_token"].widget.attrs["autofocus"] = True

    def clean_current_token(self) -> str:
        token = self.cleaned_data["current_token"].strip().replace(" ", "")
        if not token:
            raise forms.ValidationError(_("Type the code from your current app."))
        return token
