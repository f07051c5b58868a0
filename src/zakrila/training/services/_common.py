"""What the training services share."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def same_organisation(*records: Any) -> None:
    """Records of one write belong to one organisation (the views fetch them through the
    policy; this keeps a service called from elsewhere honest too)."""
    organisations = {record.organisation_id for record in records}
    if len(organisations) > 1:
        raise ValidationError(
            _("These records belong to different organisations."), code="cross_org"
        )
