from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GivingConfig(AppConfig):
    name = "zakrila.giving"
    label = "giving"
    verbose_name = _("Donations and volunteers")

    def ready(self) -> None:
        from zakrila.giving import hooks  # noqa: F401  (retention, the case timeline, the policy)
