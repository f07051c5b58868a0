from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "zakrila.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from zakrila.audit.describe import autodiscover

        autodiscover()
