from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from zakrila.core.offline_views import manifest, service_worker
from zakrila.core.views import healthz

admin.site.site_header = _("Zakrila administration")
admin.site.site_title = _("Zakrila")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("sw.js", service_worker, name="service_worker"),
    path("manifest.webmanifest", manifest, name="manifest"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("zakrila.accounts.urls")),
    path("organisations/", include("zakrila.organisations.urls")),
    path("people/", include("zakrila.people.urls")),
    path("cases/", include("zakrila.cases.urls")),
    path("placements/", include("zakrila.placements.urls")),
    path("training/", include("zakrila.training.urls")),
    path("programmes/", include("zakrila.programmes.urls")),
    path("giving/", include("zakrila.giving.urls")),
    path("audit/", include("zakrila.audit.urls")),
    path("privacy/", include("zakrila.privacy.urls")),
    path("admin/", admin.site.urls),
    path("", include("zakrila.core.urls")),
]
