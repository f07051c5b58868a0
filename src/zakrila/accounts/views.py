from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from zakrila.accounts.forms import (
    LoginForm,
    OneTimeCodeForm,
    ReplaceAuthenticatorForm,
    UnitSwitchForm,
)
from zakrila.accounts.middleware import SESSION_ORGANISATION, SESSION_UNIT
from zakrila.accounts.models import UserSession
from zakrila.accounts.policy import units_visible_to
from zakrila.accounts.services import (
    recovery_codes_create,
    recovery_codes_left,
    refuse_demo_account_in_production,
    second_factor_verify,
    session_end_by_user,
    totp_device_confirm,
    totp_device_start,
    totp_qr_data_uri,
    totp_secret_for_typing,
)
from zakrila.accounts.sessions import live_sessions, sessions_end_for_user
from zakrila.core.forms import apply_errors
from zakrila.core.http import AuthenticatedRequest


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only) and leave nothing behind on a shared tablet."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        # Tell the browser to forget everything it kept for this site: pages, storage, cookies.
        response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form: Any) -> HttpResponse:
        old_key = self.request.session.session_key
        response = super().form_valid(form)
        # Django gave this session a new key; every other session of the user ends.
        new_key = self.request.session.session_key
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)
        sessions_end_for_user(form.user, keep_key=new_key)
        messages.success(self.request, _("Your password has been changed."))
        return response


def locked_out(
    request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """What django-axes shows when this user is locked out from this address."""
    form = LoginForm(request, data=request.POST or None)
    form.is_valid()  # so that the email address stays in the field
    form.errors.clear()
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "locked_out": True,
            "lockout_message": _(
                "Too many wrong passwords for this account from this computer. The account is "
                "locked here for 15 minutes. Wait and try again, or ask your administrator to "
                "unlock it. Colleagues can still sign in from this computer."
            ),
        },
        status=429,
    )


def no_membership(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and getattr(request, "membership", None) is not None:
        return redirect("core:home")
    return render(
        request, "accounts/no_membership.html", status=403 if request.user.is_authenticated else 200
    )


@login_required
@require_POST
def switch_unit(request: AuthenticatedRequest) -> HttpResponse:
    """The unit switcher in the header: work in one unit, or in all the units one reaches."""
    form = UnitSwitchForm(request.POST)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    if form.is_valid():
        unit_id = form.cleaned_data["unit"]
        if not unit_id:
            request.session.pop(SESSION_UNIT, None)
        else:
            unit = units_visible_to(request.user).filter(pk=unit_id).first()
            if unit is None:
                messages.error(request, _("You cannot work in that unit."))
            else:
                request.session[SESSION_UNIT] = unit.pk
                request.session[SESSION_ORGANISATION] = unit.organisation_id
    return HttpResponseRedirect(target)


# --- Two-factor authentication --------------------------------------------------------------

SESSION_NEW_RECOVERY_CODES = "zakrila_new_recovery_codes"


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return "/"
    return target


@login_required
def two_factor_setup(request: AuthenticatedRequest) -> HttpResponse:
    """Connect an authenticator app: scan the QR code, type the first code.

    An account that already has an app reaches this page only from a session that passed the
    second step, and replacing the app asks for the current app's code (or a recovery code).
    """
    user = request.user
    refuse_demo_account_in_production(user)
    replacing = user_has_device(user, confirmed=True)
    if replacing and not user.is_verified():
        return redirect(
            f"{reverse('accounts:2fa_verify')}?{urlencode({'next': _safe_next(request)})}"
        )
    form_class = ReplaceAuthenticatorForm if replacing else OneTimeCodeForm
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if request.method == "POST" and device is not None:
        form = form_class(request.POST)
        if form.is_valid():
            try:
                codes = totp_device_confirm(
                    request=request,
                    user=user,
                    device=device,
                    token=form.cleaned_data["token"],
                    current_token=form.cleaned_data.get("current_token", ""),
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                request.session[SESSION_NEW_RECOVERY_CODES] = codes
                return redirect(
                    f"{reverse('accounts:2fa_recovery_codes')}?{urlencode({'next': _safe_next(request)})}"
                )
    else:
        if device is None:
            device = totp_device_start(user=user)
        form = form_class()
    return render(
        request,
        "accounts/2fa_setup.html",
        {
            "form": form,
            "qr": totp_qr_data_uri(device),
            "secret": totp_secret_for_typing(device),
            "next": _safe_next(request),
            "has_confirmed_device": replacing,
        },
    )


@login_required
def two_factor_verify(request: AuthenticatedRequest) -> HttpResponse:
    """Confirm this sign-in with a code from the authenticator app or a recovery code."""
    if not user_has_device(request.user):
        return redirect(
            f"{reverse('accounts:2fa_setup')}?{urlencode({'next': _safe_next(request)})}"
        )
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = second_factor_verify(
            request=request, user=request.user, token=form.cleaned_data["token"]
        )
        if result.ok:
            return HttpResponseRedirect(_safe_next(request))
        if result.wait_seconds:
            form.add_error(
                "token",
                _("Too many wrong codes. Wait %(seconds)d seconds and try again.")
                % {"seconds": result.wait_seconds},
            )
        else:
            form.add_error(
                "token",
                _(
                    "This code is not right, or it was already used. Type the code the app shows now."
                ),
            )
    return render(request, "accounts/2fa_verify.html", {"form": form, "next": _safe_next(request)})


@login_required
def two_factor_recovery_codes(request: AuthenticatedRequest) -> HttpResponse:
    """Shows new recovery codes once; asking again makes new ones (the old stop working)."""
    codes = request.session.pop(SESSION_NEW_RECOVERY_CODES, None)
    if request.method == "POST" and request.POST.get("action") == "regenerate":
        if not request.user.is_verified():
            return redirect("accounts:2fa_verify")
        codes = recovery_codes_create(user=request.user)
    return render(
        request,
        "accounts/2fa_recovery_codes.html",
        {"codes": codes, "left": recovery_codes_left(request.user), "next": _safe_next(request)},
    )


# --- Sessions ---------------------------------------------------------------------------------


@login_required
def session_list(request: AuthenticatedRequest) -> HttpResponse:
    """Where am I signed in? Each session can be ended, e.g. a tablet left at a family's home."""
    if request.method == "POST":
        session_id = _int(request.POST.get("session"))
        session = (
            UserSession.objects.filter(user=request.user, pk=session_id).first()
            if session_id
            else None
        )
        if session is None:
            messages.error(request, _("This session has already ended."))
        else:
            session_end_by_user(user=request.user, session=session)
            messages.success(request, _("The session has ended."))
            if session.session_key == request.session.session_key:
                return redirect("accounts:login")
        return redirect("accounts:sessions")
    sessions = live_sessions(request.user)
    return render(
        request,
        "accounts/sessions.html",
        {"sessions": sessions, "current_key": request.session.session_key},
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None
