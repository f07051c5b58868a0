from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "zakrila.people"
    label = "people"
    verbose_name = _("People and families")

    def ready(self) -> None:
        from zakrila.people import checks  # noqa: F401  (the PostgreSQL locale check)
