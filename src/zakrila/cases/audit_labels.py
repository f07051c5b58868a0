"""How the audit pages name cases and what hangs off them (``audit.describe``): the case by its
number, a record of a case as "<kind> in the case <number>", only for cases the viewer may see."""

from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zakrila.accounts.policy import cases_visible_to, referrals_visible_to
from zakrila.audit.describe import RecordKind, names_from, register_record_kind

register_record_kind(
    "cases.case",
    RecordKind(
        many=gettext_lazy("the list of cases"),
        name=names_from(
            cases_visible_to,
            lambda case: _("the case %(number)s") % {"number": case.number},
            lambda case: case.get_absolute_url(),
        ),
    ),
)
register_record_kind(
    "cases.referral",
    RecordKind(
        many=gettext_lazy("the referrals"),
        name=names_from(
            referrals_visible_to,
            lambda referral: _("the referral %(referral)s") % {"referral": referral},
            lambda referral: reverse("cases:referral", args=[referral.pk]),
        ),
    ),
)


def _of_visible_cases(model: str) -> Any:
    def visible(viewer: Any) -> QuerySet[Any]:
        return (
            apps.get_model(model)
            ._default_manager.filter(case__in=cases_visible_to(viewer))
            .select_related("case")
        )

    return visible


def _in_case(record: Any) -> str:
    return _("%(kind)s in the case %(number)s") % {
        "kind": record._meta.verbose_name,
        "number": record.case.number,
    }


def _page(record: Any) -> str:
    url = getattr(record, "get_absolute_url", None)
    return url() if url else record.case.get_absolute_url()


for _model in (
    "cases.contact",
    "cases.closure",
    "cases.followup",
    "cases.task",
    "cases.assessment",
    "cases.supportplan",
    "cases.review",
    "cases.servicecontract",
    "cases.casedocument",
    "cases.casestatuschange",
):
    register_record_kind(
        _model,
        RecordKind(
            many=apps.get_model(_model)._meta.verbose_name_plural,
            name=names_from(_of_visible_cases(_model), _in_case, _page),
        ),
    )
