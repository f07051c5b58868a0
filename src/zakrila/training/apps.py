from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "zakrila.training"
    label = "training"
    verbose_name = _("Training centre")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from zakrila.training import hooks  # noqa: F401  (retention of the trainees' data)

        post_migrate.connect(_install_feedback_templates, sender=self)


def _install_feedback_templates(sender: AppConfig, **kwargs: object) -> None:
    from zakrila.training.feedback_templates import install_shipped_templates

    install_shipped_templates()
