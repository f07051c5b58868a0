from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zakrila.accounts.forms import LoginForm, UnitSwitchForm
from zakrila.accounts.middleware import SESSION_ORGANISATION, SESSION_UNIT
from zakrila.accounts.policy import units_visible_to


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
        response = super().form_valid(form)
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
def switch_unit(request: HttpRequest) -> HttpResponse:
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
