"""Donations and volunteers: donors, money and in-kind donations, stores and their stock,
distributions to families, volunteers and their hours."""

from zakrila.giving.models.donors import (
    Donor,
    DonorKind,
    InKindDonation,
    MoneyDonation,
    PaymentMethod,
)
from zakrila.giving.models.stock import (
    PERISHABLE,
    AdjustmentReason,
    Distribution,
    DistributionLine,
    Item,
    ItemCategory,
    Measure,
    MovementKind,
    StockLot,
    StockMovement,
    Store,
)
from zakrila.giving.models.volunteers import (
    CERTIFICATE_VALID_MONTHS,
    CERTIFICATE_WARN_DAYS,
    Assignment,
    AssignmentStatus,
    CertificateWarning,
    Volunteer,
    VolunteerNeed,
)

__all__ = [
    "CERTIFICATE_VALID_MONTHS",
    "CERTIFICATE_WARN_DAYS",
    "PERISHABLE",
    "AdjustmentReason",
    "Assignment",
    "AssignmentStatus",
    "CertificateWarning",
    "Distribution",
    "DistributionLine",
    "Donor",
    "DonorKind",
    "InKindDonation",
    "Item",
    "ItemCategory",
    "Measure",
    "MoneyDonation",
    "MovementKind",
    "PaymentMethod",
    "StockLot",
    "StockMovement",
    "Store",
    "Volunteer",
    "VolunteerNeed",
]
