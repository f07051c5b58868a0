"""The record of processing activities (GDPR Art. 30), kept as configuration.

The DPO's page is generated from this list and from the retention periods in the settings, so
the record cannot drift from what the system actually keeps and for how long.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ProcessingActivity:
    key: str
    purpose: Promise
    legal_basis: Promise
    data_subjects: tuple[Promise, ...]
    data_categories: tuple[Promise, ...]
    special_categories: tuple[Promise, ...]
    recipients: tuple[Promise, ...]
    retention_key: str

    @property
    def retention_years(self) -> int:
        return int(settings.ZAKRILA_RETENTION_YEARS[self.retention_key])


ACTIVITIES: tuple[ProcessingActivity, ...] = (
    ProcessingActivity(
        key="casework",
        purpose=_(
            "Social services for children and families: referral, assessment, support plan, support, review, closure and follow-up"
        ),
        legal_basis=_(
            "Art. 6(1)(c) and (e) GDPR; Art. 9(2)(g) and (h) GDPR; Social Services Act; Child Protection Act"
        ),
        data_subjects=(
            _("children"),
            _("parents and legal representatives"),
            _("other members of the household"),
        ),
        data_categories=(
            _("identity and personal number"),
            _("contact details"),
            _("family situation"),
            _("education"),
        ),
        special_categories=(
            _("health and disability"),
            _("violence and abuse"),
            _("ethnic origin where it bears on the support"),
        ),
        recipients=(
            _("Child Protection Department of the Social Assistance Directorate"),
            _("the court, on request"),
            _("the municipality, as aggregate figures"),
        ),
        retention_key="case",
    ),
    ProcessingActivity(
        key="placements",
        purpose=_("Residential care and emergency placement of children"),
        legal_basis=_("Art. 6(1)(c) and (e), Art. 9(2)(h) GDPR; Child Protection Act, Art. 26–27"),
        data_subjects=(_("children placed"), _("parents and legal representatives")),
        data_categories=(_("identity"), _("placement order"), _("daily care diary")),
        special_categories=(_("health and disability"), _("violence and abuse")),
        recipients=(
            _("Child Protection Department of the Social Assistance Directorate"),
            _("the court, on request"),
        ),
        retention_key="case",
    ),
    ProcessingActivity(
        key="outreach",
        purpose=_("Street work, the SOS parent line and field work, often anonymous at first"),
        legal_basis=_("Art. 6(1)(e) GDPR; consent where the person is identified"),
        data_subjects=(
            _("children met on the street"),
            _("callers"),
            _("women from marginalised groups"),
        ),
        data_categories=(
            _("first name or description"),
            _("approximate age"),
            _("place of contact"),
        ),
        special_categories=(_("health (pregnancy follow-up)"),),
        recipients=(_("none outside the organisation without consent or a legal basis"),),
        retention_key="anonymous_contact",
    ),
    ProcessingActivity(
        key="staff",
        purpose=_("Staff accounts, access control and the audit trail"),
        legal_basis=_("Art. 6(1)(c) and (f) GDPR; Art. 32 GDPR (security of processing)"),
        data_subjects=(_("staff and volunteers"),),
        data_categories=(
            _("name, email, role"),
            _("sign-ins and addresses"),
            _("what records each person opened or changed"),
        ),
        special_categories=(),
        recipients=(_("the supervisory authority, on request"),),
        retention_key="audit",
    ),
    ProcessingActivity(
        key="training",
        purpose=_(
            "Training of specialists of other organisations: enrolment, attendance, completion, certificates and anonymous feedback"
        ),
        legal_basis=_(
            "Art. 6(1)(b) GDPR (the training the specialist or their employer enrolled in); Art. 6(1)(f) for the yearly figures"
        ),
        data_subjects=(_("specialists of other organisations trained by the centre"),),
        data_categories=(
            _("name, organisation, type of organisation, region, position, email"),
            _("attendance per session"),
            _("certificates: number, verification code, date"),
        ),
        special_categories=(),
        recipients=(
            _("none; the employer, on the trainee's request"),
            _("funders, as aggregate figures by type of organisation and region"),
        ),
        retention_key="trainee",
    ),
    ProcessingActivity(
        key="training_certificates",
        purpose=_(
            "Public verification of a certificate: anyone with its code sees whether it is genuine, the holder's name, the programme and the date"
        ),
        legal_basis=_("Art. 6(1)(b) and (f) GDPR: the holder proves the qualification with it"),
        data_subjects=(_("holders of certificates"),),
        data_categories=(_("the holder's name as printed on the certificate"),),
        special_categories=(),
        recipients=(_("whoever the holder shows the certificate or its code to"),),
        retention_key="training_certificate",
    ),
    ProcessingActivity(
        key="donors",
        purpose=_(
            "Donations: receiving money and things, the donation certificate for the donor's tax relief, thanking donors who agreed to it"
        ),
        legal_basis=_(
            "Art. 6(1)(c) GDPR (accounting and tax law: the donation documents); Art. 6(1)(a) for the contact details kept with the donor's agreement"
        ),
        data_subjects=(_("donors: individuals and representatives of companies"),),
        data_categories=(
            _("name, UIC, donations"),
            _("address, email, phone, only with the donor's agreement"),
        ),
        special_categories=(),
        recipients=(_("the National Revenue Agency, on request"),),
        retention_key="donor",
    ),
    ProcessingActivity(
        key="volunteers",
        purpose=_(
            "Volunteering: needs, assignments and hours; the criminal-record check before any work with children"
        ),
        legal_basis=_(
            "Art. 6(1)(a) GDPR (the volunteer's consent); Art. 10 GDPR with the Child Protection Act for the criminal-record certificate"
        ),
        data_subjects=(_("volunteers"),),
        data_categories=(
            _("name, email, phone, what they can do"),
            _("criminal-record certificate: number and date"),
            _("assignments and hours"),
        ),
        special_categories=(),
        recipients=(_("none"),),
        retention_key="volunteer",
    ),
)


def records_of_processing() -> tuple[ProcessingActivity, ...]:
    return ACTIVITIES
