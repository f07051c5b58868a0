from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zakrila.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from zakrila.core import checks  # noqa: F401  (registers the system checks)
        from zakrila.core.signals import connect

        connect()
