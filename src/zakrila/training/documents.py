"""What a certificate is made into: the QR code of its verification page, and an Open Badges 3.0
credential.

The credential follows the structure of Open Badges 3.0 (a W3C Verifiable Credential of type
``OpenBadgeCredential``: issuer profile, ``validFrom``, an ``AchievementSubject`` with the
achievement and its criteria). It is **unsigned**: it carries no ``proof``, so a wallet cannot
verify it cryptographically, and no status list; its ``id`` is the public verification page,
which says whether it is genuine or revoked.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import qrcode
import qrcode.image.svg
from django.utils import translation

from zakrila.training.completion import hours_text
from zakrila.training.models import Certificate, Module

OB3_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def qr_data_uri(text: str) -> str:
    """A QR code as an SVG data URI: printed sharp at any size, no file, no script."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=1)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _hours(value: Decimal) -> float:
    return float(value)


def open_badge(
    certificate: Certificate, *, modules: list[Module], verify_url: str, issuer_url: str
) -> dict[str, Any]:
    """The certificate as an unsigned Open Badges 3.0 credential (a JSON-LD document)."""
    trainee = certificate.trainee
    edition = trainee.cohort.edition
    programme = edition.programme
    organisation = certificate.organisation
    with translation.override("bg"):
        modules_text = "; ".join(
            f"{m.number}. {m.title} ({hours_text(m.hours)} ч.)" for m in modules
        )
    total = sum((m.hours for m in modules), Decimal(0))
    issued = dt.datetime.combine(certificate.issued_on, dt.time(0, 0), tzinfo=dt.UTC)
    credential: dict[str, Any] = {
        "@context": OB3_CONTEXT,
        "id": verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": programme.name,
        "issuer": {
            "id": f"{issuer_url}#organisation-{organisation.pk}",
            "type": ["Profile"],
            "name": organisation.name_bg,
        },
        "validFrom": issued.isoformat().replace("+00:00", "Z"),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": certificate.holder_name,
                }
            ],
            "achievement": {
                "id": f"{issuer_url}#programme-{programme.pk}-edition-{edition.number}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": programme.name,
                "description": programme.description or programme.name,
                "criteria": {
                    "narrative": f"{edition.get_completion_rule_display()}: "
                    f"{edition.completion_percent} %. {modules_text}"
                },
                "humanCode": certificate.number,
                "inLanguage": "bg",
                "creditsAvailable": _hours(total),
            },
        },
    }
    if organisation.name_en:
        credential["issuer"]["otherIdentifier"] = [
            {
                "type": "IdentifierEntry",
                "identifierType": "name",
                "identifier": organisation.name_en,
            }
        ]
    if organisation.eik:
        credential["issuer"].setdefault("otherIdentifier", []).append(
            {
                "type": "IdentifierEntry",
                "identifierType": "identifier",
                "identifier": organisation.eik,
            }
        )
    return credential
