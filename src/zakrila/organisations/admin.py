"""Organisations, units, programmes and contracts in the admin site: every change is audited."""

from django.contrib import admin

from zakrila.audit.admin import AuditedModelAdmin
from zakrila.organisations.models import (
    Contract,
    Organisation,
    PartnerOrganisation,
    Programme,
    Unit,
)


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name_bg", "name_en", "eik", "municipality", "is_active"]
    search_fields = ["name_bg", "name_en", "eik"]


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(AuditedModelAdmin):
    list_display = ["name_bg", "organisation", "eik"]
    list_filter = ["organisation"]


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "kind", "organisation", "parent", "capacity"]
    list_filter = ["organisation", "kind"]
    search_fields = ["name", "code"]


@admin.register(Programme)
class ProgrammeAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "organisation", "unit"]
    list_filter = ["organisation", "kind"]


@admin.register(Contract)
class ContractAdmin(AuditedModelAdmin):
    list_display = [
        "municipality",
        "number",
        "organisation",
        "starts_on",
        "ends_on",
        "funded_capacity",
    ]
    list_filter = ["organisation"]
    filter_horizontal = ["partners", "units"]
