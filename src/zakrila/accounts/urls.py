from django.urls import path

from zakrila.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("no-membership/", views.no_membership, name="no_membership"),
    path("unit/", views.switch_unit, name="switch_unit"),
]
