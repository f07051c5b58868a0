from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "zakrila.cases"
    label = "cases"
    verbose_name = _("Casework")

    def ready(self) -> None:
        from zakrila.cases import hooks  # noqa: F401  (legal holds, export sections, retention)
