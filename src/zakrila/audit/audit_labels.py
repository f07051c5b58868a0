"""How the audit pages name the audit trail's own records."""

from django.utils.translation import gettext_lazy as _

from zakrila.audit.describe import RecordKind, register_record_kind

register_record_kind("audit.auditevent", RecordKind(many=_("the audit trail")))
