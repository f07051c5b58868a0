from __future__ import annotations

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
