"""People, households, consents and disclosures: the child and the family at the centre."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zakrila.core.models import TenantModel
from zakrila.core.plausible import EARLIEST_BIRTH, DateChecks
from zakrila.core.text import clean_bidi_fields
from zakrila.people.identifiers import birth_sex_conflicts, parse_personal_number
from zakrila.people.names import person_search_key, to_latin


class Sex(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    UNKNOWN = "unknown", _("not known")


class BirthDatePrecision(models.TextChoices):
    EXACT = "exact", _("exact date")
    ESTIMATED = "estimated", _("estimated (about)")


class IdentificationStatus(models.TextChoices):
    IDENTIFIED = "identified", _("identified")
    PARTIAL = "partial", _("partly identified")
    ANONYMOUS = "anonymous", _("anonymous")


class PersonQuerySet(models.QuerySet["Person"]):
    def active(self) -> PersonQuerySet:
        """People as workers see them: not merged into another record."""
        return self.filter(merged_into__isnull=True)


class Person(TenantModel):
    """A child, a parent, a relative or anyone else the services work with.

    Names are entered in Cyrillic; the official Latin transliteration is kept in step on every
    save, and ``search_key`` (names in both scripts, aliases included, folded for informal
    spellings) is what search matches. A person met anonymously on the street is a record too
    ("момче, ~12 г., гара Русе"), later identified without losing their history. A merged
    duplicate keeps its row, pointing to the record it was merged into.
    """

    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    first_name_latin = models.CharField(
        _("first name (Latin)"), max_length=150, blank=True, editable=False
    )
    middle_name_latin = models.CharField(
        _("middle name (Latin)"), max_length=150, blank=True, editable=False
    )
    last_name_latin = models.CharField(
        _("last name (Latin)"), max_length=150, blank=True, editable=False
    )
    description = models.CharField(
        _("description"),
        max_length=200,
        blank=True,
        help_text=_("For a person whose name is not known, e.g. “момче, ~12 г., гара Русе”."),
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_date_precision = models.CharField(
        _("birth date is"),
        max_length=10,
        choices=BirthDatePrecision.choices,
        default=BirthDatePrecision.EXACT,
    )
    personal_number = models.CharField(_("ЕГН / ЛНЧ"), max_length=10, blank=True)
    personal_number_kind = models.CharField(
        _("kind of number"), max_length=4, blank=True, editable=False
    )
    citizenship = models.CharField(_("citizenship"), max_length=60, blank=True, default="България")
    settlement = models.CharField(_("settlement"), max_length=100, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    health_notes = models.TextField(_("health notes"), blank=True)
    disability_notes = models.TextField(_("disability notes"), blank=True)
    identification_status = models.CharField(
        _("identification"),
        max_length=12,
        choices=IdentificationStatus.choices,
        default=IdentificationStatus.IDENTIFIED,
    )
    unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by unit"),
    )
    is_deceased = models.BooleanField(_("deceased"), default=False)
    deceased_on = models.DateField(_("date of death"), null=True, blank=True)
    legal_hold_reason = models.CharField(
        _("court matter (legal hold)"),
        max_length=300,
        blank=True,
        help_text=_("While set, the record cannot be erased or anonymised."),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    search_key = models.TextField(_("search key"), blank=True, editable=False)

    objects = PersonQuerySet.as_manager()

    # Fields whose values never appear in the audit trail, and that only some roles see.
    SENSITIVE_FIELDS = ("health_notes", "disability_notes")
    # Cleaned of bidirectional control characters on input (``zakrila.core.text``).
    NAME_FIELDS = ("first_name", "middle_name", "last_name", "description")
    EDITABLE_FIELDS = (
        "first_name", "middle_name", "last_name", "description", "sex", "birth_date",
        "birth_date_precision", "personal_number", "citizenship", "settlement", "municipality",
        "address", "phone", "languages", "health_notes", "disability_notes",
        "identification_status", "unit", "is_deceased", "deceased_on", "legal_hold_reason",
    )  # fmt: skip

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "personal_number"],
                condition=~models.Q(personal_number=""),
                name="person_number_unique_per_organisation",
                violation_error_message=_(
                    "A person with this ЕГН / ЛНЧ is already registered in your organisation."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(first_name="", last_name="", description=""),
                name="person_has_a_name_or_description",
                violation_error_message=_(
                    "Write a name, or for an unknown person a short description."
                ),
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "last_name_latin", "id"], name="person_org_name_idx"
            ),
            models.Index(fields=["organisation", "birth_date"], name="person_org_birth_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: object, **kwargs: object) -> None:
        self.refresh_derived()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("people:person", args=[self.pk])

    def clean(self) -> None:
        """Check the ЕГН / ЛНЧ and that the birth date and sex agree with an ЕГН; fill them
        from the ЕГН when they were left empty."""
        clean_bidi_fields(self, self.NAME_FIELDS)
        super().clean()
        errors: dict[str, list[str]] = {}
        if self.personal_number:
            try:
                number = parse_personal_number(self.personal_number)
            except ValidationError as error:
                errors["personal_number"] = list(error.messages)
            else:
                self.personal_number = number.number
                self.personal_number_kind = number.kind
                exact = self.birth_date_precision == BirthDatePrecision.EXACT
                conflicts = birth_sex_conflicts(
                    number,
                    birth_date=self.birth_date if exact else None,
                    sex=self.sex if self.sex != Sex.UNKNOWN else None,
                )
                for field, message in conflicts.items():
                    errors.setdefault(field, []).append(message)
                if not conflicts and number.kind == "egn":
                    if self.birth_date is None or not exact:
                        self.birth_date = number.birth_date
                        self.birth_date_precision = BirthDatePrecision.EXACT
                    if self.sex == Sex.UNKNOWN and number.sex:
                        self.sex = number.sex
        else:
            self.personal_number_kind = ""
        if self.deceased_on and not self.is_deceased:
            self.is_deceased = True
        # After the ЕГН, which may have filled the birth date.
        dates = DateChecks()
        dates.not_in_future("birth_date", self.birth_date, gettext("The birth date"))
        dates.not_before("birth_date", self.birth_date, EARLIEST_BIRTH, gettext("The birth date"))
        dates.not_in_future("deceased_on", self.deceased_on, gettext("The date of death"))
        dates.in_order(
            self.birth_date,
            self.deceased_on,
            "deceased_on",
            gettext("The date of death is before the birth date."),
        )
        for field, messages in dates.errors.items():
            errors.setdefault(field, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def refresh_derived(self, aliases: list[str] | None = None) -> None:
        """Keep the Latin names and the search key in step with the Cyrillic names."""
        self.first_name_latin = to_latin(self.first_name)
        self.middle_name_latin = to_latin(self.middle_name)
        self.last_name_latin = to_latin(self.last_name)
        if aliases is None:
            aliases = (
                [alias.full_name for alias in self.aliases.all()] if self.pk is not None else []
            )
        self.search_key = person_search_key([self.full_name, *aliases])

    @property
    def full_name(self) -> str:
        return " ".join(
            part for part in (self.first_name, self.middle_name, self.last_name) if part
        )

    @property
    def full_name_latin(self) -> str:
        names = (self.first_name_latin, self.middle_name_latin, self.last_name_latin)
        return " ".join(part for part in names if part)

    @property
    def display_name(self) -> str:
        return self.name_for_display(
            first=self.first_name,
            middle=self.middle_name,
            last=self.last_name,
            description=self.description,
            anonymised=self.anonymised_at is not None,
        )

    @classmethod
    def name_from_values(cls, row: Mapping[str, Any], path: str) -> str:
        """The display name from a row of ``.values()`` that read the person through
        ``path`` (e.g. ``"case__person"``): its names, description and ``anonymised_at``."""
        return cls.name_for_display(
            first=row[f"{path}__first_name"],
            middle=row[f"{path}__middle_name"],
            last=row[f"{path}__last_name"],
            description=row[f"{path}__description"],
            anonymised=row[f"{path}__anonymised_at"] is not None,
        )

    @staticmethod
    def name_for_display(
        *, first: str, middle: str, last: str, description: str, anonymised: bool
    ) -> str:
        """How a person is named on a page, from plain values (lists read them as values)."""
        if anonymised:
            return str(_("Anonymised person"))
        name = " ".join(part for part in (first, middle, last) if part)
        return name or description or str(_("Unnamed person"))

    def age_on(self, day: dt.date) -> int | None:
        if self.birth_date is None:
            return None
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return max(years, 0)

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())


class PersonAlias(TenantModel):
    """Another name of the same person: a merged duplicate's name, a former or other spelling.

    Search still finds the person by it.
    """

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("person")
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("other name")
        verbose_name_plural = _("other names")

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        clean_bidi_fields(self, ("first_name", "middle_name", "last_name", "source"))
        super().clean()

    @property
    def full_name(self) -> str:
        return " ".join(
            part for part in (self.first_name, self.middle_name, self.last_name) if part
        )


class NameWord(models.Model):
    """One word of people's names as search sees it: folded to Latin, lower case, informal
    spellings folded ("hristova" for Христова, Hristova and Khristova).

    Search matches what was typed against this small table of distinct words (whole words,
    beginnings of words, trigram similarity for typos), then finds the people who carry the
    matching words through ``PersonNameWord``: the work grows with the answer, not with the
    registry. ``people`` counts the links, so that search starts from the rarest word. A word
    nobody carries any more is deleted: an erased person's rare surname must not stay behind.
    Never shown to anyone; not tenant-owned (the same word serves every organisation).
    """

    word = models.CharField(_("word"), max_length=300, unique=True)
    people = models.PositiveIntegerField(_("people"), default=0)

    class Meta:
        verbose_name = _("name word")
        verbose_name_plural = _("name words")

    def __str__(self) -> str:
        return self.word


class NameWordsVersion(models.Model):
    """Changes whenever name words are added or deleted, so that a process holding the words in
    memory (search on the embedded SQLite) knows to read them again. A random token rather than
    a counter: a rolled-back change must not leave behind a number that a later, different
    change repeats. One row."""

    token = models.CharField(_("token"), max_length=32)

    class Meta:
        verbose_name = _("name words version")
        verbose_name_plural = _("name words versions")

    def __str__(self) -> str:
        return self.token


class PersonNameWord(models.Model):
    """That a person carries a word in their name or one of their other names: the search
    index's link from a word to the people of an organisation who carry it.

    Kept in step by the people services in the same transaction as the change (create, edit,
    other name, merge, anonymisation); ``zakrila people reindex`` rebuilds it. The index on
    (word, organisation, person) lets search read the newest people with a word first and stop.
    """

    pk = models.CompositePrimaryKey("person_id", "word_id")
    # The primary key (person, word) and the walk index (word, ...) serve both foreign keys.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_index=False)
    word = models.ForeignKey(NameWord, on_delete=models.CASCADE, related_name="+", db_index=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = _("name word of a person")
        verbose_name_plural = _("name words of people")
        indexes = [
            models.Index(
                fields=["word", "organisation", "person"], name="person_name_word_walk_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.word_id}"


class Household(TenantModel):
    """A child's family as it lives: who is in it, how they are related to the child, who is the
    legal representative, who lives with the child. A person may be in several over time."""

    name = models.CharField(_("name"), max_length=200, help_text=_("e.g. “Семейство Христови”"))
    child = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="households_as_child",
        verbose_name=_("child"),
    )
    settlement = models.CharField(_("settlement"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        clean_bidi_fields(self, ("name",))
        super().clean()

    def get_absolute_url(self) -> str:
        return reverse("people:household", args=[self.pk])


class Relationship(models.TextChoices):
    MOTHER = "mother", _("mother")
    FATHER = "father", _("father")
    STEP_PARENT = "step_parent", _("step-parent")
    GUARDIAN = "guardian", _("guardian")
    GRANDPARENT = "grandparent", _("grandparent")
    SIBLING = "sibling", _("sibling")
    OTHER_RELATIVE = "other_relative", _("other relative")
    FOSTER_CARER = "foster_carer", _("foster carer")
    OTHER = "other", _("other")


class HouseholdMember(TenantModel):
    """A person's place in a household, by their relationship to the household's child."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="members", verbose_name=_("household")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="household_memberships",
        verbose_name=_("person"),
    )
    relationship = models.CharField(
        _("relationship to the child"), max_length=20, choices=Relationship.choices
    )
    is_legal_representative = models.BooleanField(_("legal representative"), default=False)
    lives_with_child = models.BooleanField(_("lives with the child"), default=True)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "person"],
                name="household_member_once",
                violation_error_message=_("This person is already a member of the household."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_relationship_display()})"


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("consent")
    LEGAL_OBLIGATION = (
        "legal_obligation",
        _("legal obligation (Child Protection Act, Social Services Act)"),
    )
    VITAL_INTEREST = "vital_interest", _("vital interest of the child")
    PUBLIC_TASK = "public_task", _("public task (social service under contract)")
    COURT_ORDER = "court_order", _("court order or request of the court")


class Consent(TenantModel):
    """What a person (or their legal representative) consented to, on what basis, and when it
    was given or withdrawn."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="consents", verbose_name=_("about")
    )
    given_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="consents_given",
        verbose_name=_("given by"),
        help_text=_("The person, or their legal representative."),
    )
    purpose = models.CharField(_("consented to"), max_length=300)
    legal_basis = models.CharField(
        _("legal basis"), max_length=20, choices=LegalBasis.choices, default=LegalBasis.CONSENT
    )
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True)
                | models.Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
                violation_error_message=_("A consent cannot be withdrawn before it was given."),
            )
        ]

    def __str__(self) -> str:
        return self.purpose

    def clean(self) -> None:
        super().clean()
        dates = DateChecks()
        dates.not_in_future("given_on", self.given_on, gettext("The date the consent was given"))
        dates.not_in_future("withdrawn_on", self.withdrawn_on, gettext("The date of withdrawal"))
        dates.raise_any()

    def is_active_on(self, day: dt.date) -> bool:
        return self.given_on <= day and (self.withdrawn_on is None or self.withdrawn_on > day)


class Disclosure(TenantModel):
    """Personal data given to another organisation (a referral out, a transfer, a report):
    to whom, what, and on what consent or legal basis."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("about")
    )
    recipient = models.CharField(_("recipient"), max_length=200)
    what = models.CharField(_("what was disclosed"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices)
    consent = models.ForeignKey(
        Consent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disclosures",
        verbose_name=_("consent"),
    )
    disclosed_on = models.DateField(_("disclosed on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["-disclosed_on"]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.what}"

    def clean(self) -> None:
        super().clean()
        dates = DateChecks()
        dates.not_in_future("disclosed_on", self.disclosed_on, gettext("The date of disclosure"))
        dates.raise_any()


class DuplicateDismissal(TenantModel):
    """A pair the duplicates queue flagged that a worker checked: not the same person."""

    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("checked pair")
        verbose_name_plural = _("checked pairs")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_dismissal_once")
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ≠ {self.second_id}"
