from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "zakrila.cases"
    label = "cases"
    verbose_name = _("Casework")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from zakrila.cases import hooks  # noqa: F401  (legal holds, export sections, retention)

        post_migrate.connect(_install_templates, sender=self)


def _install_templates(sender: AppConfig, **kwargs: object) -> None:
    from zakrila.cases.assessment_templates import install_shipped_templates

    install_shipped_templates()
