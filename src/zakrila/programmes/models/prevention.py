"""What the four programmes that follow individuals over time record beyond the engine: a
signal from the maternity ward, a pregnancy, a child leaving an institution, and the
screenings and goals of early intervention. Each hangs off one enrolment."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zakrila.core.models import TenantModel
from zakrila.programmes.models.enrolments import Enrolment
from zakrila.programmes.schedules import add_months

# --- Prevention at the maternity ward ----------------------------------------------------------


class MaternityRisk(models.TextChoices):
    NO_DOCUMENTS = "no_documents", _("no identity documents")
    NO_HOME = "no_home", _("no home")
    SINGLE_YOUNG = "single_young", _("single and young mother")
    PREVIOUS_PLACED = "previous_placed", _("previous children placed outside the family")
    CHILD_DISABILITY = "child_disability", _("disability or illness of the child")
    MOTHER_HEALTH = "mother_health", _("illness or disability of the mother")
    POVERTY = "poverty", _("no income")
    NO_SUPPORT = "no_support", _("no support from relatives")
    STATED_INTENT = "stated_intent", _("the mother says she will leave the child")


# Health details: shown only to the roles that may see health notes.
MATERNITY_HEALTH_RISKS = frozenset({MaternityRisk.CHILD_DISABILITY, MaternityRisk.MOTHER_HEALTH})


class MaternitySignal(TenantModel):
    """A call from the maternity ward that a newborn is at risk of being abandoned: who called,
    from which hospital and ward, when; the mother; the risk factors. The newborn is the
    enrolled person (often without a name or ЕГН yet)."""

    enrolment = models.OneToOneField(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="maternity_signal",
        verbose_name=_("enrolment"),
    )
    hospital = models.CharField(_("hospital"), max_length=200)
    ward = models.CharField(_("ward"), max_length=100, blank=True)
    signalled_at = models.DateTimeField(_("signal received at"))
    caller = models.CharField(_("who called"), max_length=200)
    mother = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("mother")
    )
    risk_factors = models.JSONField(_("risk factors"), default=list, blank=True)

    class Meta:
        verbose_name = _("signal from the maternity ward")
        verbose_name_plural = _("signals from the maternity ward")

    def __str__(self) -> str:
        return f"{self.hospital} {timezone.localtime(self.signalled_at):%d.%m.%Y %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:enrolment", args=[self.enrolment_id])

    def clean(self) -> None:
        super().clean()
        unknown = set(self.risk_factors) - set(MaternityRisk.values)
        if unknown:
            raise ValidationError({"risk_factors": _("Choose risk factors from the list.")})
        if self.signalled_at and self.signalled_at > timezone.now() + dt.timedelta(minutes=5):
            raise ValidationError({"signalled_at": _("This date is in the future.")})


# --- Pregnancy follow-up -----------------------------------------------------------------------


def naegele_due_date(last_period: dt.date) -> dt.date:
    """Naegele's rule: the first day of the last menstrual period, plus one year, minus three
    months, plus seven days."""
    return add_months(last_period, 9) + dt.timedelta(days=7)


def naegele_last_period(due: dt.date) -> dt.date:
    """Naegele's rule backwards, from an estimated due date."""
    return add_months(due - dt.timedelta(days=7), -9)


class PregnancyRisk(models.TextChoices):
    ADOLESCENT = "adolescent", _("adolescent pregnancy (under 18)")
    LATE_CARE = "late_care", _("no antenatal care so far")
    NO_INSURANCE = "no_insurance", _("no health insurance")
    PREVIOUS_COMPLICATIONS = "previous_complications", _("complications in a previous pregnancy")
    CHRONIC_ILLNESS = "chronic_illness", _("chronic illness")
    SUBSTANCES = "substances", _("smoking, alcohol or drugs")
    VIOLENCE = "violence", _("violence at home")
    MANY_CHILDREN = "many_children", _("many children, short intervals")


class Pregnancy(TenantModel):
    """A pregnancy followed in the field: the last menstrual period and the due date (either
    computes the other by Naegele's rule), registration with a GP and an obstetrician, risk
    flags and the birth. Health data: its details are shown only to the roles that may see
    health notes."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="pregnancy", verbose_name=_("enrolment")
    )
    last_period_on = models.DateField(_("last menstrual period"))
    due_on = models.DateField(_("estimated due date"))
    has_gp = models.BooleanField(_("registered with a GP"), default=False)
    has_obstetrician = models.BooleanField(_("followed by an obstetrician"), default=False)
    risk_flags = models.JSONField(_("risk flags"), default=list, blank=True)
    health_note = models.TextField(_("health note"), blank=True)
    birth_on = models.DateField(_("birth date"), null=True, blank=True)
    newborn = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("newborn"),
    )

    SENSITIVE_FIELDS = ("risk_flags", "health_note", "has_gp", "has_obstetrician")

    class Meta:
        verbose_name = _("pregnancy")
        verbose_name_plural = _("pregnancies")

    def __str__(self) -> str:
        return f"{self.due_on:%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:enrolment", args=[self.enrolment_id])

    def weeks_on(self, day: dt.date) -> int:
        return max((day - self.last_period_on).days // 7, 0)

    @property
    def weeks(self) -> int:
        return self.weeks_on(timezone.localdate())


# --- Deinstitutionalisation --------------------------------------------------------------------


class InstitutionKind(models.TextChoices):
    MEDICAL_SOCIAL = "medical_social", _("home for medical and social care of children")
    CHILDREN_HOME = "children_home", _("home for children deprived of parental care")
    DISABILITY_HOME = "disability_home", _("home for children with disabilities")
    OTHER = "other", _("other institution")


class InstitutionLeaving(TenantModel):
    """A child leaving an institution: which one, the preparation, the day they left and where
    they went. The day they left is the anchor of the follow-ups at 3, 6 and 12 months."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="leaving", verbose_name=_("enrolment")
    )
    institution = models.CharField(_("institution"), max_length=200)
    institution_kind = models.CharField(
        _("kind of institution"), max_length=20, choices=InstitutionKind.choices
    )
    planned_on = models.DateField(_("planned to leave on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    destination = models.CharField(_("moved to"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("leaving an institution")
        verbose_name_plural = _("leaving institutions")
        indexes = [models.Index(fields=["organisation", "left_on"], name="leaving_org_left_idx")]

    def __str__(self) -> str:
        return self.institution

    def get_absolute_url(self) -> str:
        return reverse("programmes:enrolment", args=[self.enrolment_id])


# --- Early intervention ------------------------------------------------------------------------


class Screening(TenantModel):
    """A developmental screening by domain: the instrument's name, the date, the child's age in
    months (computed from the birth date, never typed) and a score per domain. Items of
    licensed instruments are never stored, only their domain scores."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="screenings", verbose_name=_("enrolment")
    )
    screened_on = models.DateField(_("date of the screening"))
    instrument = models.CharField(_("instrument"), max_length=120)
    age_months = models.PositiveIntegerField(_("age in months"))
    score_max = models.PositiveIntegerField(_("highest score of a domain"))
    scores = models.JSONField(_("scores by domain"), default=dict)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        ordering = ["screened_on", "id"]

    def __str__(self) -> str:
        return f"{self.instrument} {self.screened_on:%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:enrolment", args=[self.enrolment_id])


class ParentGoal(TenantModel):
    """A goal the parent sets for their own child, in their words; met or not yet."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="goals", verbose_name=_("enrolment")
    )
    text = models.CharField(_("the parent's goal"), max_length=300)
    set_on = models.DateField(_("set on"), default=timezone.localdate)
    met_on = models.DateField(_("met on"), null=True, blank=True)

    class Meta:
        verbose_name = _("parent's goal")
        verbose_name_plural = _("parent's goals")
        ordering = ["set_on", "id"]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return reverse("programmes:enrolment", args=[self.enrolment_id])
