"""Demo training centre for Ruse: the programme "ЕКсперт" in two editions, two cohorts with 71
trainees in all, attendance over eight modules, certificates (one revoked and issued again) and
anonymous feedback.

The first cohort ended about ten months ago and has its certificates. The second ends today:
modules 1–7 are behind it, module 8 is today and its attendance is still to be taken — the
trainer's home page starts there. Deterministic (a fixed seed), dates relative to today.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from zakrila.accounts.models import Membership, Role, User
from zakrila.organisations.models import Organisation
from zakrila.people.names import to_latin
from zakrila.training.feedback_templates import SCALE
from zakrila.training.models import (
    Cohort,
    EmployerType,
    ProgrammeEdition,
    Region,
    TrainingProgramme,
    TrainingSession,
)
from zakrila.training.services import (
    attendance_record,
    certificate_issue,
    certificate_revoke,
    certificates_issue_for_cohort,
    cohort_create,
    edition_new,
    edition_publish,
    edition_update,
    feedback_record,
    module_add,
    module_update,
    programme_create,
    session_schedule,
    trainee_add,
)

MODULES = (
    ("Превенция на изоставянето на деца – подходи и добри практики", "Preventing child abandonment: approaches and good practice", 16, "Д. Маринова, П. Колева"),
    ("Оценка на потребностите на детето и семейството", "Assessing the needs of the child and the family", 16, "П. Колева"),
    ("Работа със семейства в риск: мотивационно интервюиране", "Working with families at risk: motivational interviewing", 16, "Д. Маринова"),
    ("Ранно детско развитие и ранна интервенция", "Early childhood development and early intervention", 12, "Р. Стоянова"),
    ("Деинституционализация и грижа в семейна среда", "Deinstitutionalisation and care in a family environment", 12, "Д. Маринова"),
    ("Насилие над деца: разпознаване, сигнализиране, закрила", "Violence against children: recognising, reporting, protecting", 16, "И. Петров, П. Колева"),
    ("Работа в мрежа и междуинституционално сътрудничество", "Networking and cooperation between institutions", 8, "Р. Стоянова"),
    ("Супервизия, професионално прегаряне и грижа за себе си", "Supervision, burnout and self-care", 8, "Д. Маринова"),
)  # fmt: skip

OUTCOMES = (
    "Разпознава рисковите фактори за изоставяне.\nПланира подкрепа заедно с родителя.",
    "Прилага рамката за оценка на потребностите.\nОписва силните страни на семейството.",
    "Води мотивационно интервю.\nРаботи със съпротивата без конфронтация.",
    "Разпознава отклонения в развитието.\nНасочва към ранна интервенция.",
    "Познава етапите на извеждане от институция.\nПодготвя детето и семейството за прехода.",
    "Разпознава признаци на насилие.\nЗнае как и къде да подаде сигнал.",
    "Свиква и води случай на мултидисциплинарен екип.",
    "Разпознава признаците на прегаряне.\nИзползва супервизията.",
)

EMPLOYERS = (
    ("ДСП – Русе, отдел „Закрила на детето“", EmployerType.SOCIAL_ASSISTANCE, Region.RUSE, ("социален работник", "старши социален работник", "началник отдел")),
    ("ДСП – Бяла", EmployerType.SOCIAL_ASSISTANCE, Region.RUSE, ("социален работник",)),
    ("ДСП – Силистра", EmployerType.SOCIAL_ASSISTANCE, Region.SILISTRA, ("социален работник", "старши социален работник")),
    ("ДСП – Разград", EmployerType.SOCIAL_ASSISTANCE, Region.RAZGRAD, ("социален работник",)),
    ("ЦОП – Силистра", EmployerType.SOCIAL_SERVICE, Region.SILISTRA, ("психолог", "социален работник")),
    ("Комплекс за социални услуги – Търговище", EmployerType.SOCIAL_SERVICE, Region.TARGOVISHTE, ("психолог", "педагог", "социален работник")),
    ("ЦНСТ – Велико Търново", EmployerType.SOCIAL_SERVICE, Region.VELIKO_TARNOVO, ("детегледач", "социален работник")),
    ("Община Русе, дирекция „Социални дейности“", EmployerType.MUNICIPALITY, Region.RUSE, ("експерт", "главен експерт")),
    ("Община Две могили", EmployerType.MUNICIPALITY, Region.RUSE, ("експерт",)),
    ("ДГ „Слънце“ – Русе", EmployerType.EDUCATION, Region.RUSE, ("детски учител", "ресурсен учител")),
    ("СУ „Отец Паисий“ – Русе", EmployerType.EDUCATION, Region.RUSE, ("педагогически съветник", "учител")),
    ("ОУ „Иван Вазов“ – Разград", EmployerType.EDUCATION, Region.RAZGRAD, ("педагогически съветник",)),
    ("МБАЛ – Русе, родилно отделение", EmployerType.HEALTH, Region.RUSE, ("акушерка", "медицинска сестра", "социален работник")),
    ("РУ – Русе, детска педагогическа стая", EmployerType.POLICE, Region.RUSE, ("инспектор ДПС",)),
    ("Сдружение „Деца и семейства“ – Шумен", EmployerType.NGO, Region.SHUMEN, ("психолог", "координатор")),
    ("Фондация „Светулка“ – Добрич", EmployerType.NGO, Region.DOBRICH, ("социален работник",)),
)  # fmt: skip

COMMENTS = (
    "Много полезни случаи от практиката.",
    "Повече време за упражнения в малки групи.",
    "Ще използвам веднага формулярите за оценка.",
    "Залата беше тясна за толкова хора.",
    "Искаме продължение с разбор на наши случаи.",
)

# Common Bulgarian names, so that the demo reads like a real list of participants.
FEMALE = (
    "Мария",
    "Елена",
    "Иванка",
    "Десислава",
    "Гергана",
    "Петя",
    "Радостина",
    "Силвия",
    "Надежда",
    "Теодора",
    "Милена",
    "Нели",
    "Цветелина",
    "Даниела",
    "Йорданка",
    "Станислава",
    "Екатерина",
    "Ралица",
    "Виолета",
    "Антоанета",
    "Галина",
    "Красимира",
    "Светла",
    "Боряна",
)
MALE = (
    "Георги",
    "Иван",
    "Димитър",
    "Николай",
    "Петър",
    "Стоян",
    "Христо",
    "Васил",
    "Пламен",
    "Калин",
)
SURNAMES = (
    "Иванов", "Петров", "Георгиев", "Димитров", "Николов", "Стоянов", "Христов", "Тодоров",
    "Илиев", "Атанасов", "Петков", "Ангелов", "Маринов", "Колев", "Йорданов", "Костов", "Попов",
    "Михайлов", "Стефанов", "Василев", "Александров", "Кирилов", "Русев", "Добрев", "Симеонов",
)  # fmt: skip

COHORT_SIZES = (36, 35)
MODULE_GAP_DAYS = 28


def _staff(organisation: Organisation, role: str) -> User | None:
    for membership in (
        Membership.objects.filter(organisation=organisation).select_related("user").order_by("id")
    ):
        if role in membership.roles:
            return membership.user
    return None


def _split(hours: Decimal) -> tuple[Decimal, Decimal]:
    return hours / 2, hours / 2


def _programme(
    trainer: User, organisation: Organisation, today: dt.date
) -> tuple[ProgrammeEdition, ProgrammeEdition]:
    programme = programme_create(
        actor=trainer, organisation_id=organisation.pk, code="ЕКС", name="ЕКсперт", name_en="EXpert",
        description="Програма от осем модула за специалисти от други организации, които работят с деца и "
        "семейства в риск: превенция на изоставянето, оценка, работа със семейството, закрила.",
    )  # fmt: skip
    first = programme.editions.get()
    for (title, title_en, hours, trainers), outcomes in zip(MODULES, OUTCOMES, strict=True):
        module_add(
            actor=trainer, edition=first, title=title, title_en=title_en, hours=Decimal(hours),
            learning_outcomes=outcomes, trainers=trainers,
        )  # fmt: skip
    first = edition_publish(actor=trainer, edition=first)
    # The second edition: networking grew from 8 to 12 hours after the first cohort asked for it.
    second = edition_new(actor=trainer, programme=programme)
    networking = second.modules.get(number=7)
    module_update(
        actor=trainer, module=networking, title=networking.title, title_en=networking.title_en,
        hours=Decimal(12), learning_outcomes=networking.learning_outcomes + "\nРазбор на случай с мрежата в Русе.",
        trainers=networking.trainers, expected_version=networking.version,
    )  # fmt: skip
    second = edition_update(
        actor=trainer, edition=second, completion_rule=second.completion_rule,
        completion_percent=second.completion_percent, expected_version=second.version,
        changes="Модул 7 е разширен от 8 на 12 часа с разбор на случаи.",
    )  # fmt: skip
    second = edition_publish(actor=trainer, edition=second)
    return first, second


def _name(rng: random.Random, taken: set[str]) -> tuple[str, str]:
    while True:
        female = rng.random() < 0.85  # most of the social workforce are women
        first = rng.choice(FEMALE if female else MALE)
        last = rng.choice(SURNAMES) + ("а" if female else "")
        if f"{first} {last}" not in taken:
            taken.add(f"{first} {last}")
            return first, last


def _trainees(
    cohort: Cohort, count: int, trainer: User, taken: set[str], rng: random.Random
) -> list[int]:
    ids = []
    for n in range(count):
        employer, kind, region, positions = EMPLOYERS[rng.randrange(len(EMPLOYERS))]
        first, last = _name(rng, taken)
        latin = to_latin(f"{first}.{last}").lower().replace(" ", "")
        trainee = trainee_add(
            actor=trainer, cohort=cohort, full_name=f"{first} {last}", employer=employer,
            employer_type=kind, region=region, position=rng.choice(positions),
            email=f"{latin}.{cohort.pk}{n}@example.org",
        )  # fmt: skip
        ids.append(trainee.pk)
    return ids


def _sessions(cohort: Cohort, trainer: User, *, last_module_today: bool) -> list[TrainingSession]:
    sessions = []
    for module in cohort.edition.modules.order_by("number"):
        day = cohort.starts_on + dt.timedelta(days=(module.number - 1) * MODULE_GAP_DAYS)
        if last_module_today and module.number == 8:
            sessions.append(session_schedule(
                actor=trainer, cohort=cohort, module=module, held_on=cohort.ends_on,
                starts_at=dt.time(9, 0), hours=module.hours,
            ))  # fmt: skip
            continue
        for offset, hours in enumerate(_split(module.hours)):
            sessions.append(session_schedule(
                actor=trainer, cohort=cohort, module=module, held_on=day + dt.timedelta(days=offset),
                starts_at=dt.time(9, 30), hours=hours,
            ))  # fmt: skip
    return sessions


def _attendance(
    sessions: list[TrainingSession],
    trainee_ids: list[int],
    trainer: User,
    rng: random.Random,
    today: dt.date,
) -> None:
    # Most come to everything; a few miss sessions (work, illness), and some of those do not
    # complete.
    absence = {pk: (0.22 if rng.random() < 0.12 else 0.006) for pk in trainee_ids}
    for session in sessions:
        if session.held_on >= today:
            continue  # today's attendance is the trainer's to take
        present = [pk for pk in trainee_ids if rng.random() >= absence[pk]]
        attendance_record(
            actor=trainer, session=session, present=present, expected_version=session.version
        )


def _feedback(
    cohort: Cohort, trainer: User, rng: random.Random, today: dt.date, share: float
) -> None:
    template = cohort.edition.feedback_template
    if template is None:
        return
    held = set(
        TrainingSession.objects.filter(cohort=cohort, held_on__lt=today).values_list(
            "module_id", flat=True
        )
    )
    size = cohort.trainees.count()
    for module in cohort.edition.modules.filter(pk__in=held).order_by("number"):
        for _n in range(int(size * share)):
            answers: dict[str, object] = {}
            for question in template.questions:
                if question["type"] == SCALE:
                    answers[question["key"]] = rng.choices((2, 3, 4, 5), weights=(1, 4, 12, 18))[0]
                elif rng.random() < 0.08:
                    answers[question["key"]] = rng.choice(COMMENTS)
            feedback_record(actor=trainer, cohort=cohort, module=module, answers=answers)


def build_training(*, organisation: Organisation, seed: int) -> int:
    """Nothing when the organisation already has a training programme. Returns the trainees."""
    if TrainingProgramme.objects.filter(organisation=organisation).exists():
        return 0
    trainer = _staff(organisation, Role.TRAINER)
    director = _staff(organisation, Role.DIRECTOR)
    if trainer is None:
        return 0
    taken: set[str] = set()
    rng = random.Random(seed)  # noqa: S311  (demo data, not secrets)
    today = timezone.localdate()
    first_edition, second_edition = _programme(trainer, organisation, today)

    # The first cohort: about a year and a half ago, finished, certificates issued.
    first_start = today - dt.timedelta(days=540)
    first = cohort_create(
        actor=trainer, edition=first_edition, name="ЕКсперт – Русе, 1-ви випуск", starts_on=first_start,
        ends_on=first_start + dt.timedelta(days=7 * MODULE_GAP_DAYS + 1),
        place="Русе, зала на Сдружение „Еквилибриум“", trainers=[trainer],
    )  # fmt: skip
    first_ids = _trainees(first, COHORT_SIZES[0], trainer, taken, rng)
    _attendance(_sessions(first, trainer, last_module_today=False), first_ids, trainer, rng, today)
    _feedback(first, trainer, rng, today, share=0.7)
    issued_on = first.ends_on + dt.timedelta(days=10)
    certificates = certificates_issue_for_cohort(actor=trainer, cohort=first, issued_on=issued_on)
    # One was printed with a misspelt name: revoked, and issued again.
    if certificates:
        wrong = certificates[len(certificates) // 2]
        certificate_revoke(
            actor=director or trainer, certificate=wrong, expected_version=wrong.version,
            reason="Името е изписано грешно; издаден е нов сертификат.",
        )  # fmt: skip
        certificate_issue(
            actor=trainer, trainee=wrong.trainee, issued_on=issued_on + dt.timedelta(days=3)
        )

    # The second cohort ends today: module 8 is today, its attendance still to take.
    second_start = today - dt.timedelta(days=7 * MODULE_GAP_DAYS)
    second = cohort_create(
        actor=trainer, edition=second_edition, name="ЕКсперт – Русе, 2-ри випуск", starts_on=second_start,
        ends_on=today, place="Русе, Регионална библиотека „Любен Каравелов“", trainers=[trainer],
    )  # fmt: skip
    second_ids = _trainees(second, COHORT_SIZES[1], trainer, taken, rng)
    _attendance(_sessions(second, trainer, last_module_today=True), second_ids, trainer, rng, today)
    _feedback(second, trainer, rng, today, share=0.6)
    return len(first_ids) + len(second_ids)
