from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "zakrila.placements"
    label = "placements"
    verbose_name = _("Placements")

    def ready(self) -> None:
        from zakrila.placements import hooks  # noqa: F401  (legal holds, export section)
