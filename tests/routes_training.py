"""The training centre's routes for the route harness (tests/test_routes.py).

Its records hang off no case: they are seen by the roles with ``training.view`` (the trainer,
the director, the DPO and auditors) and changed by those with ``training.manage`` (the trainer
and the director). The public verification page is open to anyone with a code, so it is not
walked here; tests/training/test_verification.py tests it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tests.routes import BOTH, POST, RecordKind, Route, World
from zakrila.accounts.models import Role

_numbers = itertools.count(1)

SEE = "training.view"
MANAGE = "training.manage"


def _trainer(world: World) -> Any:
    return world.roles[Role.TRAINER]


def _programme(world: World, restricted: bool) -> Any:
    """A programme whose first edition is a draft with one module."""
    from zakrila.training.services import module_add, programme_create

    n = next(_numbers)
    programme = programme_create(
        actor=_trainer(world), organisation_id=world.org.pk, code=f"П{n}", name=f"Програма {n}"
    )
    module_add(
        actor=_trainer(world), edition=programme.editions.get(), title="Оценка на потребностите",
        hours=Decimal(8),
    )  # fmt: skip
    return programme


def _edition(world: World, restricted: bool) -> Any:
    return _programme(world, restricted).editions.get()


def _module(world: World, restricted: bool) -> Any:
    return _edition(world, restricted).modules.get()


def _published_edition(world: World) -> Any:
    from zakrila.training.services import edition_publish

    return edition_publish(actor=_trainer(world), edition=_edition(world, False))


def _cohort(world: World, restricted: bool) -> Any:
    """A cohort running today, with two trainees and today's session of its one module."""
    from zakrila.training.services import cohort_create, session_schedule, trainee_add

    edition = _published_edition(world)
    today = timezone.localdate()
    cohort = cohort_create(
        actor=_trainer(world), edition=edition, name=f"Випуск {next(_numbers)}",
        starts_on=today - dt.timedelta(days=3), ends_on=today + dt.timedelta(days=3),
        place="Русе", trainers=[_trainer(world)],
    )  # fmt: skip
    for name in ("Мария Стоянова", "Петя Иванова"):
        trainee_add(
            actor=_trainer(world), cohort=cohort, full_name=name, employer="ДСП – Русе",
            employer_type="social_assistance", region="ruse", position="социален работник",
        )  # fmt: skip
    session_schedule(
        actor=_trainer(world), cohort=cohort, module=edition.modules.get(), held_on=today,
        hours=Decimal(8),
    )  # fmt: skip
    return cohort


def _session(world: World, restricted: bool) -> Any:
    return _cohort(world, restricted).sessions.get()


def _trainee(world: World, restricted: bool) -> Any:
    return _cohort(world, restricted).trainees.order_by("pk").first()


def _certificate(world: World, restricted: bool) -> Any:
    """The certificate of a trainee who was at the cohort's only session."""
    from zakrila.training.services import attendance_record, certificate_issue

    session = _session(world, restricted)
    trainee = session.cohort.trainees.order_by("pk").first()
    attendance_record(
        actor=_trainer(world), session=session, present=[trainee.pk],
        expected_version=session.version,
    )  # fmt: skip
    return certificate_issue(actor=_trainer(world), trainee=trainee)


RECORDS: dict[str, RecordKind] = {
    "training_programme": RecordKind(_programme, SEE),
    "training_edition": RecordKind(_edition, SEE),
    "training_module": RecordKind(_module, SEE),
    "training_cohort": RecordKind(_cohort, SEE),
    "training_session": RecordKind(_session, SEE),
    "trainee": RecordKind(_trainee, SEE),
    "training_certificate": RecordKind(_certificate, SEE),
}


def _new_cohort(world: World, record: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "edition": _published_edition(world).pk,
        "name": "Нов випуск",
        "starts_on": today.strftime("%d.%m.%Y"),
        "ends_on": (today + dt.timedelta(days=30)).strftime("%d.%m.%Y"),
        "place": "Русе",
    }


def _trainee_data(world: World, record: Any) -> dict[str, Any]:
    return {
        "full_name": "Камелия Георгиева",
        "employer": "ЦОП – Силистра",
        "employer_type": "social_service",
        "region": "silistra",
        "position": "психолог",
        "email": "kamelia@example.org",
        "version": getattr(record, "version", ""),
    }


def _cohort_data(world: World, record: Any) -> dict[str, Any]:
    return {
        "name": f"{record.name} (променен)",
        "starts_on": record.starts_on.strftime("%d.%m.%Y"),
        "ends_on": record.ends_on.strftime("%d.%m.%Y"),
        "place": "Русе, библиотеката",
        "trainers": [_trainer(world).pk],
        "version": record.version,
    }


ROUTES: dict[str, Route] = {
    "training:index": Route(None, right=SEE),
    "training:figures": Route(None, right=SEE),
    "training:figures_xlsx": Route(None, right=SEE),
    "training:programme_new": Route(
        None,
        right=MANAGE,
        methods=BOTH,
        post=lambda w, r: {
            "name": "Нова програма",
            "code": "НП",
            "completion_rule": "every_module",
            "completion_percent": 80,
        },
    ),
    "training:programme": Route("training_programme"),
    "training:edition_new": Route(
        "training_programme", right=MANAGE, methods=POST, post=lambda w, r: {}
    ),
    "training:edition": Route(
        "training_edition",
        post_right=MANAGE,
        methods=BOTH,
        post=lambda w, r: {
            "completion_rule": "total_hours",
            "completion_percent": 75,
            "changes": "",
            "version": r.version,
        },
    ),
    "training:edition_publish": Route(
        "training_edition", right=MANAGE, methods=POST, post=lambda w, r: {}
    ),
    "training:module_new": Route(
        "training_edition",
        right=MANAGE,
        methods=BOTH,
        post=lambda w, r: {"title": "Работа в мрежа", "hours": "4"},
    ),
    "training:module_edit": Route(
        "training_module",
        right=MANAGE,
        methods=BOTH,
        post=lambda w, r: {"title": "Оценка", "hours": "6", "version": r.version},
    ),
    "training:cohort_new": Route(None, right=MANAGE, methods=BOTH, post=_new_cohort),
    "training:cohort": Route("training_cohort", audits_view=True),
    "training:cohort_edit": Route("training_cohort", right=MANAGE, methods=BOTH, post=_cohort_data),
    "training:completion": Route("training_cohort", audits_view=True),
    "training:feedback": Route("training_cohort"),
    "training:feedback_new": Route(
        "training_cohort",
        right=MANAGE,
        methods=BOTH,
        post=lambda w, r: {
            "module": r.edition.modules.get().pk,
            "q_overall": "5",
            "q_best": "упражненията",
        },
    ),
    "training:trainee_new": Route(
        "training_cohort", right=MANAGE, methods=BOTH, post=_trainee_data
    ),
    "training:session_new": Route(
        "training_cohort",
        right=MANAGE,
        methods=BOTH,
        post=lambda w, r: {
            "module": r.edition.modules.get().pk,
            "hours": "4",
            "held_on": r.starts_on.strftime("%d.%m.%Y"),
        },
    ),
    "training:certificates_issue": Route(
        "training_cohort", right=MANAGE, methods=POST, post=lambda w, r: {}
    ),
    "training:attendance": Route(
        "training_session",
        post_right=MANAGE,
        methods=BOTH,
        audits_view=True,
        post=lambda w, r: {
            "version": r.version,
            "present": list(r.cohort.trainees.values_list("pk", flat=True)),
        },
    ),
    "training:trainee": Route("trainee", audits_view=True),
    "training:trainee_edit": Route("trainee", right=MANAGE, methods=BOTH, post=_trainee_data),
    "training:certificate_issue": Route(
        "trainee", right=MANAGE, methods=POST, post=lambda w, r: {}
    ),
    "training:certificate": Route("training_certificate", audits_view=True),
    "training:certificate_pdf": Route("training_certificate", audits_view=True),
    "training:certificate_badge": Route("training_certificate", audits_view=True),
    "training:certificate_revoke": Route(
        "training_certificate",
        right=MANAGE,
        methods=BOTH,
        post=lambda w, r: {"reason": "Издаден по грешка.", "version": r.version},
    ),
}

NOT_WALKED: dict[str, str] = {
    "training:verify": "the public verification page of a certificate, open to anyone with its "
    "code by design (no sign-in); tests/training/test_verification.py",
    "training:verify_lookup": "the public form that sends a typed code to its verification "
    "page, open to anyone by design; tests/training/test_verification.py",
}
