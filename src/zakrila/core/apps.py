from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zakrila.core"
    label = "core"
    verbose_name = _("Core")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from zakrila.core.dates import use_date_pickers

        # Here, before any app's models or forms are imported (the admin site's are made in its
        # ready(), which runs before ours): every form field made afterwards gets the pickers.
        use_date_pickers()

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from zakrila.core import checks  # noqa: F401  (registers the system checks)
        from zakrila.core.signals import connect
        from zakrila.core.sqlite import use_unicode_like

        connect()
        connection_created.connect(use_unicode_like, dispatch_uid="zakrila.core.sqlite")
