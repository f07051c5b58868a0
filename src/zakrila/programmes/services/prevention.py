"""The four programmes that follow individuals over time, on the engine: a maternity signal
(mother and newborn registered in one step), a pregnancy (Naegele's rule, WHO's 8 contacts)
and its birth (the newborn enrolled onwards in one step), a child leaving an institution
(follow-ups at 3, 6 and 12 months from the day they left), screenings and parents' goals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.models import User
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record, create_audited
from zakrila.organisations.models import Programme, ProgrammeKind
from zakrila.people.models import Person
from zakrila.people.services import person_create
from zakrila.programmes.models import (
    Enrolment,
    EnrolmentStatus,
    InstitutionLeaving,
    MaternitySignal,
    ParentGoal,
    Pregnancy,
    Screening,
    naegele_due_date,
    naegele_last_period,
)
from zakrila.programmes.schedules import schedule_for
from zakrila.programmes.screening import SCALE_MONTHS, age_in_months, screening_scale
from zakrila.programmes.services.enrolments import (
    enrolment_end,
    enrolment_move_stage,
    enrolment_set_anchors,
    enrolment_start,
)


def _require_kind(programme: Programme, kind: str) -> None:
    if programme.kind != kind:
        raise ValidationError(_("This is not the right programme for this record."))


# --- Prevention at the maternity ward ----------------------------------------------------------


@transaction.atomic
def maternity_signal_register(
    *,
    actor: User,
    programme: Programme,
    worker: User,
    hospital: str,
    ward: str,
    signalled_at: dt.datetime,
    caller: str,
    mother: Person | None = None,
    mother_data: Mapping[str, Any] | None = None,
    newborn_data: Mapping[str, Any],
    risk_factors: Iterable[str] = (),
) -> MaternitySignal:
    """A signal from the maternity ward, at any hour: the mother (found or registered) and the
    newborn (registered, often with neither name nor ЕГН yet) in one transaction, the newborn
    enrolled, the first visit at the ward scheduled."""
    _require_kind(programme, ProgrammeKind.MATERNITY_WARD)
    organisation_id = programme.organisation_id
    if mother is None:
        if not mother_data:
            raise ValidationError(_("Find the mother or type her name."))
        mother = person_create(
            actor=actor,
            organisation_id=organisation_id,
            data={"unit": programme.unit, **mother_data},
        )
    elif mother.organisation_id != organisation_id:
        raise ValidationError(_("The mother is registered with another organisation."))
    newborn_fields = {"unit": programme.unit, **newborn_data}
    if not any(newborn_fields.get(k) for k in ("first_name", "last_name", "description")):
        mother_name = mother.full_name or mother.description
        newborn_fields["description"] = _("newborn of %(mother)s") % {"mother": mother_name}
    newborn = person_create(actor=actor, organisation_id=organisation_id, data=newborn_fields)
    enrolment = enrolment_start(
        actor=actor,
        programme=programme,
        person=newborn,
        worker=worker,
        started_on=timezone.localtime(signalled_at).date(),
    )
    signal = MaternitySignal(
        organisation_id=organisation_id,
        enrolment=enrolment,
        hospital=hospital,
        ward=ward,
        signalled_at=signalled_at,
        caller=caller,
        mother=mother,
        risk_factors=sorted(set(risk_factors)),
        created_by=actor,
        updated_by=actor,
    )
    create_audited(
        signal,
        actor=actor,
        person_id=newborn.pk,
        changes={
            "hospital": {"old": None, "new": hospital},
            "risk_factors": {"old": None, "new": signal.risk_factors},
        },
        details={"enrolment": enrolment.pk, "mother": mother.pk},
    )
    return signal


# --- Pregnancy follow-up -----------------------------------------------------------------------


@transaction.atomic
def pregnancy_register(
    *,
    actor: User,
    programme: Programme,
    woman: Person,
    worker: User,
    last_period_on: dt.date | None = None,
    due_on: dt.date | None = None,
    has_gp: bool = False,
    has_obstetrician: bool = False,
    risk_flags: Iterable[str] = (),
    health_note: str = "",
    started_on: dt.date | None = None,
    case: Any = None,
) -> Pregnancy:
    """Register a pregnancy: from the last menstrual period or the estimated due date (the
    other by Naegele's rule); WHO's antenatal contacts are scheduled from it."""
    _require_kind(programme, ProgrammeKind.FAMILY_PLANNING)
    today = timezone.localdate()
    if last_period_on is None and due_on is None:
        raise ValidationError(
            {"last_period_on": _("Give the last menstrual period or the estimated due date.")}
        )
    if last_period_on is None:
        assert due_on is not None  # noqa: S101  (checked above)
        last_period_on = naegele_last_period(due_on)
    if due_on is None:
        due_on = naegele_due_date(last_period_on)
    if last_period_on > today:
        raise ValidationError({"last_period_on": _("The last menstrual period is in the future.")})
    if ((started_on or today) - last_period_on).days > 44 * 7:
        raise ValidationError(
            {"last_period_on": _("That would be more than 44 weeks of pregnancy: check the date.")}
        )
    enrolment = enrolment_start(
        actor=actor,
        programme=programme,
        person=woman,
        worker=worker,
        case=case,
        started_on=started_on,
        anchors={"lmp": last_period_on},
    )
    pregnancy = Pregnancy(
        organisation_id=programme.organisation_id,
        enrolment=enrolment,
        last_period_on=last_period_on,
        due_on=due_on,
        has_gp=has_gp,
        has_obstetrician=has_obstetrician,
        risk_flags=sorted(set(risk_flags)),
        health_note=health_note,
        created_by=actor,
        updated_by=actor,
    )
    create_audited(
        pregnancy,
        actor=actor,
        person_id=woman.pk,
        # Health data: the trail says what changed, never the values.
        changes=dict.fromkeys([*Pregnancy.SENSITIVE_FIELDS, "last_period_on", "due_on"], "changed"),
        details={"enrolment": enrolment.pk},
    )
    return pregnancy


@transaction.atomic
def pregnancy_birth(
    *,
    actor: User,
    pregnancy: Pregnancy,
    birth_on: dt.date,
    outcome: str,
    newborn_data: Mapping[str, Any] | None = None,
    enrol_in: Programme | None = None,
) -> Pregnancy:
    """The birth and its outcome: the pregnancy's enrolment is completed; after a live birth
    the newborn is registered and, if asked, enrolled in early intervention or the maternity
    programme in the same step."""
    current = Pregnancy.objects.select_for_update().select_related("enrolment").get(pk=pregnancy.pk)
    enrolment = current.enrolment
    if birth_on > timezone.localdate():
        raise ValidationError({"birth_on": _("The birth date is in the future.")})
    if birth_on < current.last_period_on:
        raise ValidationError({"birth_on": _("The birth cannot be before the pregnancy.")})
    newborn = None
    if outcome == "live_birth":
        mother = enrolment.person
        fields = {
            "unit": enrolment.unit,
            "birth_date": birth_on,
            "last_name": mother.last_name,
            **(newborn_data or {}),
        }
        if not fields.get("first_name"):
            fields.setdefault(
                "description",
                _("newborn of %(mother)s") % {"mother": mother.full_name or mother.description},
            )
        newborn = person_create(actor=actor, organisation_id=enrolment.organisation_id, data=fields)
        current.newborn = newborn
    elif enrol_in is not None:
        raise ValidationError({"enrol_in": _("Only a newborn can be enrolled onwards.")})
    current.birth_on = birth_on
    current.version += 1
    current.updated_by = actor
    current.save()
    enrolment_end(
        actor=actor,
        enrolment=enrolment,
        status=EnrolmentStatus.COMPLETED,
        ended_on=birth_on,
        outcome=outcome,
        outcome_on=birth_on,
    )
    if newborn is not None and enrol_in is not None:
        if enrol_in.kind not in (ProgrammeKind.EARLY_INTERVENTION, ProgrammeKind.MATERNITY_WARD):
            raise ValidationError(
                {
                    "enrol_in": _(
                        "Enrol the newborn in early intervention or the maternity programme."
                    )
                }
            )
        enrolment_start(
            actor=actor,
            programme=enrol_in,
            person=newborn,
            worker=enrolment.worker,
            case=None,
            started_on=birth_on,
            household=enrolment.household,
        )
    audit_record(
        action=AuditAction.UPDATE,
        actor=actor,
        obj=current,
        person_id=enrolment.person_id,
        changes={"birth_on": {"old": None, "new": birth_on}},
        details={"outcome": outcome, "newborn": getattr(newborn, "pk", None)},
    )
    return current


# --- Deinstitutionalisation --------------------------------------------------------------------


@transaction.atomic
def leaving_register(
    *,
    actor: User,
    programme: Programme,
    child: Person,
    worker: User,
    institution: str,
    institution_kind: str,
    planned_on: dt.date | None = None,
    case: Any = None,
    started_on: dt.date | None = None,
) -> InstitutionLeaving:
    """A child preparing to leave an institution: enrolled in the preparation stage."""
    _require_kind(programme, ProgrammeKind.DEINSTITUTIONALISATION)
    enrolment = enrolment_start(
        actor=actor, programme=programme, person=child, worker=worker, case=case,
        started_on=started_on,
    )  # fmt: skip
    leaving = InstitutionLeaving(
        organisation_id=programme.organisation_id,
        enrolment=enrolment,
        institution=institution,
        institution_kind=institution_kind,
        planned_on=planned_on,
        created_by=actor,
        updated_by=actor,
    )
    create_audited(
        leaving,
        actor=actor,
        person_id=child.pk,
        changes={"institution": {"old": None, "new": institution}},
        details={"enrolment": enrolment.pk},
    )
    return leaving


@transaction.atomic
def leaving_record(
    *, actor: User, leaving: InstitutionLeaving, left_on: dt.date, destination: str
) -> InstitutionLeaving:
    """The child left the institution for a family (or a family-like placement): the
    follow-ups at 3, 6 and 12 months are scheduled from that day."""
    current = InstitutionLeaving.objects.select_for_update().get(pk=leaving.pk)
    enrolment = Enrolment.objects.select_related("programme").get(pk=current.enrolment_id)
    if current.left_on is not None:
        raise ValidationError(_("The day the child left is already recorded."))
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": _("This date is in the future.")})
    if schedule_for(enrolment.programme.kind).outcome(destination) is None:
        raise ValidationError({"destination": _("Choose where the child went.")})
    current.left_on = left_on
    current.destination = destination
    current.version += 1
    current.updated_by = actor
    current.full_clean()
    current.save()
    enrolment = enrolment_move_stage(
        actor=actor, enrolment=enrolment, stage="follow_up", on=left_on
    )
    enrolment_set_anchors(actor=actor, enrolment=enrolment, anchors={"left_institution": left_on})
    audit_record(
        action=AuditAction.UPDATE,
        actor=actor,
        obj=current,
        person_id=enrolment.person_id,
        changes={
            "left_on": {"old": None, "new": left_on},
            "destination": {"old": "", "new": destination},
        },
    )
    return current


# --- Early intervention ------------------------------------------------------------------------


@transaction.atomic
def screening_record(
    *,
    actor: User,
    enrolment: Enrolment,
    screened_on: dt.date,
    scores: Mapping[str, int],
    instrument: str = "",
    score_max: int | None = None,
    note: str = "",
) -> Screening:
    """A screening: our own scale unless another instrument is named (then its domain scores
    and its highest score); the age in months comes from the child's birth date."""
    _require_kind(enrolment.programme, ProgrammeKind.EARLY_INTERVENTION)
    birth = enrolment.person.birth_date
    if birth is None:
        raise ValidationError(
            _("The child's birth date is not known: add it to the child's record first.")
        )
    if screened_on > timezone.localdate():
        raise ValidationError({"screened_on": _("This date is in the future.")})
    if screened_on < birth:
        raise ValidationError({"screened_on": _("The screening cannot be before the birth.")})
    scale = screening_scale()
    age_months = age_in_months(birth, screened_on)
    if not instrument:
        if age_months >= SCALE_MONTHS:
            raise ValidationError(
                {
                    "screened_on": _(
                        "Our scale is for children from birth to 6 years; the child was "
                        "%(months)s months old on that day. Name the instrument used instead."
                    )
                    % {"months": age_months}
                },
                code="too_old",
            )
        instrument, low, high = scale.name_bg, scale.scale_min, scale.scale_max
    else:
        if not score_max or score_max < 1:
            raise ValidationError({"score_max": _("Give the instrument's highest score.")})
        low, high = 0, score_max
    domains = {domain.key for domain in scale.domains}
    cleaned = {}
    for key, value in scores.items():
        if key not in domains:
            raise ValidationError(_("Unknown domain: %(key)s.") % {"key": key})
        if value is None:
            continue
        if not low <= int(value) <= high:
            raise ValidationError(
                {
                    f"score_{key}": _("The score must be between %(low)s and %(high)s.")
                    % {"low": low, "high": high}
                }
            )
        cleaned[key] = int(value)
    if not cleaned:
        raise ValidationError(_("Give the score of at least one domain."))
    if Screening.objects.filter(
        enrolment=enrolment, screened_on=screened_on, instrument=instrument
    ).exists():
        raise ValidationError(
            {
                "screened_on": _(
                    "This child's screening with this instrument is already recorded for that "
                    "day: open it on the enrolment's page."
                )
            },
            code="duplicate",
        )
    screening = Screening(
        organisation_id=enrolment.organisation_id,
        enrolment=enrolment,
        screened_on=screened_on,
        instrument=instrument,
        age_months=age_months,
        score_max=high,
        scores=cleaned,
        note=note,
        created_by=actor,
        updated_by=actor,
    )
    create_audited(
        screening,
        actor=actor,
        person_id=enrolment.person_id,
        changes={"scores": {"old": None, "new": cleaned}},
        details={"enrolment": enrolment.pk, "instrument": instrument},
    )
    return screening


@transaction.atomic
def goal_add(
    *, actor: User, enrolment: Enrolment, text: str, set_on: dt.date | None = None
) -> ParentGoal:
    """The parent's own goal for their child, in their words."""
    if not text.strip():
        raise ValidationError({"text": _("Write the parent's goal.")})
    goal = ParentGoal(
        organisation_id=enrolment.organisation_id,
        enrolment=enrolment,
        text=text.strip(),
        set_on=set_on or timezone.localdate(),
        created_by=actor,
        updated_by=actor,
    )
    create_audited(
        goal, actor=actor, person_id=enrolment.person_id, details={"enrolment": enrolment.pk}
    )
    return goal


@transaction.atomic
def goal_met(*, actor: User, goal: ParentGoal, met_on: dt.date) -> ParentGoal:
    current = ParentGoal.objects.select_for_update().get(pk=goal.pk)
    if met_on > timezone.localdate():
        raise ValidationError({"met_on": _("This date is in the future.")})
    current.met_on = met_on
    current.version += 1
    current.updated_by = actor
    current.save()
    audit_record(
        action=AuditAction.UPDATE,
        actor=actor,
        obj=current,
        changes={"met_on": {"old": None, "new": met_on}},
        details={"enrolment": current.enrolment_id},
    )
    return current
