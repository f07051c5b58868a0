from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "zakrila.programmes"
    label = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from zakrila.programmes import (
            hooks_outreach,  # noqa: F401  (a person's data export)
            pages,  # noqa: F401  (the case's timeline and sections)
        )
