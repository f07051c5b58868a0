from django.urls import path

from zakrila.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("no-membership/", views.no_membership, name="no_membership"),
    path("unit/", views.switch_unit, name="switch_unit"),
    path("2fa/setup/", views.two_factor_setup, name="2fa_setup"),
    path("2fa/verify/", views.two_factor_verify, name="2fa_verify"),
    path("2fa/recovery-codes/", views.two_factor_recovery_codes, name="2fa_recovery_codes"),
    path("sessions/", views.session_list, name="sessions"),
]
