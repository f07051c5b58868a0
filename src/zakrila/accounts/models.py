"""Users, their roles and their memberships of organisations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zakrila.core.text import clean_bidi_fields


class Role(models.TextChoices):
    """What a person does in an organisation; a membership may carry several."""

    DIRECTOR = "director", _("Director")
    CASE_MANAGER = "case_manager", _("Case manager")
    SPECIALIST = "specialist", _("Specialist (psychologist, speech therapist, ...)")
    FIELD_WORKER = "field_worker", _("Field worker")
    CARER = "carer", _("Carer")
    TRAINER = "trainer", _("Trainer")
    GIVING_COORDINATOR = "giving_coordinator", _("Donations and volunteers coordinator")
    DPO = "dpo", _("Data protection officer")
    AUDITOR = "auditor", _("Auditor")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: a member of staff, or the system administrator (superuser).

    People signs in with their email address. What they may see comes from their memberships,
    never from the user itself; a superuser administers the system through the admin site.
    Accounts are changed and closed through ``accounts.services`` (``user_update``,
    ``user_deactivate``), which audit the change and sign a closed account out everywhere.
    """

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive users cannot sign in.")
    )
    is_staff = models.BooleanField(
        _("system administrator"),
        default=False,
        help_text=_("May use the administration site."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    if TYPE_CHECKING:
        # Set on each request by django-otp's middleware.
        def is_verified(self) -> bool: ...

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        clean_bidi_fields(self, ("full_name",))

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> MembershipQuerySet:
        today = timezone.localdate()
        return self.filter(is_active=True, organisation__is_active=True).filter(
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=today),
            starts_on__lte=today,
        )


class Membership(models.Model):
    """A user's place in one organisation: their roles there and, optionally, their units.

    A membership without units reaches every unit of the organisation; with units, only those.
    When a membership ends, the user loses access to that organisation at once. Memberships are
    granted, changed and ended through ``accounts.services`` (``membership_grant``,
    ``membership_change``, ``membership_end``), which audit the change and end the user's
    sessions; the model itself has no side effects.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    roles = models.JSONField(_("roles"), default=list)
    units = models.ManyToManyField(
        "organisations.Unit",
        blank=True,
        related_name="memberships",
        verbose_name=_("units"),
        help_text=_("Leave empty for every unit of the organisation."),
    )
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                name="membership_user_organisation_unique",
                violation_error_message=_("This user is already a member of this organisation."),
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
                violation_error_message=_("A membership cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"

    def clean(self) -> None:
        super().clean()
        valid = set(Role.values)
        if not isinstance(self.roles, list) or not self.roles:
            raise ValidationError({"roles": _("Choose at least one role.")})
        unknown = [role for role in self.roles if role not in valid]
        if unknown:
            raise ValidationError(
                {"roles": _("Unknown role: %(roles)s.") % {"roles": ", ".join(map(str, unknown))}}
            )

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return (
            self.is_active
            and self.starts_on <= today
            and (self.ends_on is None or self.ends_on >= today)
        )

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.roles if role in Role.values]


class UserSession(models.Model):
    """A signed-in browser of a user: where and when, so that the user (or an administrator)
    can see it and end it. A request whose session has no row here is signed out at once."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("user")
    )
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("signed in at"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def browser_label(self) -> str:
        """A short, human name for the browser and system, from the user agent."""
        agent = self.user_agent
        browser = next(
            (name for key, name in _BROWSERS if key in agent), agent.split("/")[0] or "?"
        )
        system = next((name for key, name in _SYSTEMS if key in agent), "")
        return f"{browser} · {system}" if system else browser


_BROWSERS = [
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
]
_SYSTEMS = [
    ("Android", "Android"),
    ("iPad", "iPad"),
    ("iPhone", "iPhone"),
    ("Windows", "Windows"),
    ("Mac OS", "macOS"),
    ("Linux", "Linux"),
]


class AccountNotice(models.Model):
    """Something about their own account that a user must be told at their next sign-in, for
    example that a new authenticator app was connected: if it was not them, they say so."""

    class Kind(models.TextChoices):
        NEW_AUTHENTICATOR = "new_authenticator", _("A new authenticator app was connected")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notices", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    shown_at = models.DateTimeField(_("shown at"), null=True, blank=True)

    class Meta:
        verbose_name = _("account notice")
        verbose_name_plural = _("account notices")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"
