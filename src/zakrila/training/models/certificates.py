"""Certificates of completion, with a number, a verification code and a public page."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zakrila.core.models import TenantModel


class Certificate(TenantModel):
    """A certificate given to a trainee who completed a cohort's programme edition.

    The ``code`` (20 characters, about 98 random bits) is printed on the certificate and in its
    QR code; the public verification page (``verification_url``) says from it whether the
    certificate is genuine, and nothing beyond the holder's name, the programme and the date.
    A revoked certificate keeps its row (with who revoked it, when and why) and the page says
    it is revoked. A trainee holds at most one certificate that is not revoked.
    """

    trainee = models.ForeignKey(
        "training.Trainee",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("trainee"),
    )
    number = models.CharField(_("number"), max_length=30)
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    holder_name = models.CharField(
        _("holder's name"), max_length=150, help_text=_("As printed on the certificate.")
    )
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("issued by"),
    )  # fmt: skip
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("revoked by"),
    )  # fmt: skip
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"],
                name="training_certificate_number_unique",
                violation_error_message=_("Another certificate already has this number."),
            ),
            models.UniqueConstraint(
                fields=["trainee"],
                condition=models.Q(revoked_at__isnull=True),
                name="training_certificate_one_valid",
                violation_error_message=_(
                    "The trainee already holds a valid certificate: revoke it before issuing another."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | ~models.Q(revoke_reason=""),
                name="training_certificate_revoked_with_reason",
                violation_error_message=_("A certificate is revoked with a reason."),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("training:certificate", args=[self.pk])

    def verification_url(self) -> str:
        """The public verification page, as an absolute path without the host (the PDF and the
        badge add the host of the request they are made for)."""
        return reverse("training:verify", args=[self.code])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def code_for_display(self) -> str:
        """The code in groups of five, as printed, for typing it from paper."""
        return "-".join(self.code[i : i + 5] for i in range(0, len(self.code), 5))
