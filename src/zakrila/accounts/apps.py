from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "zakrila.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from zakrila.accounts import signals  # noqa: F401  (login and logout in the audit trail)
