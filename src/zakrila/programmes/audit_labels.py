"""How the audit pages name the programmes' enrolments and visits (``audit.describe``)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zakrila.accounts.policy import enrolments_visible_to, visits_visible_to
from zakrila.audit.describe import RecordKind, names_from, register_record_kind

register_record_kind(
    "programmes.enrolment",
    RecordKind(
        many=gettext_lazy("the programmes' enrolments"),
        name=names_from(
            lambda viewer: enrolments_visible_to(viewer).select_related("person", "programme"),
            lambda enrolment: (
                _("the enrolment of %(name)s in %(programme)s")
                % {"name": enrolment.person, "programme": enrolment.programme.name}
            ),
            lambda enrolment: enrolment.get_absolute_url(),
        ),
    ),
)
register_record_kind(
    "programmes.visit",
    RecordKind(
        many=gettext_lazy("the programmes' visits"),
        name=names_from(
            lambda viewer: visits_visible_to(viewer).select_related(
                "programme", "enrolment__person"
            ),
            lambda visit: (
                _("the visit “%(visit)s” of %(name)s")
                % {"visit": visit.title, "name": visit.enrolment.person}
            ),
            lambda visit: visit.enrolment.get_absolute_url(),
        ),
    ),
)
