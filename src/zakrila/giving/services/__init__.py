"""Writes of donations and volunteers: each one transaction with its audit event."""

from zakrila.giving.services.donors import (
    document_printed,
    donor_create,
    donor_update,
    money_donation_record,
)
from zakrila.giving.services.stock import (
    GivenLine,
    ReceivedLine,
    distribution_make,
    donation_receive,
    item_create,
    stock_adjust,
    store_create,
)
from zakrila.giving.services.volunteers import (
    assignment_cancel,
    assignment_make,
    assignment_record_hours,
    need_create,
    volunteer_create,
    volunteer_update,
)

__all__ = [
    "GivenLine",
    "ReceivedLine",
    "assignment_cancel",
    "assignment_make",
    "assignment_record_hours",
    "distribution_make",
    "document_printed",
    "donation_receive",
    "donor_create",
    "donor_update",
    "item_create",
    "money_donation_record",
    "need_create",
    "stock_adjust",
    "store_create",
    "volunteer_create",
    "volunteer_update",
]
