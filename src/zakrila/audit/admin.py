"""The audit trail in the admin site (read-only), and ``AuditedModelAdmin``: the base of every
admin page that changes data with business meaning, so that an administrator's changes go into
the same hash-chained trail as everybody else's, not only into Django's own admin log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import BaseModelFormSet
from django.http import HttpRequest

from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.audit.services import audit_record, changes_between

# Kept by the models themselves on every save: noise in a list of what the administrator changed.
BOOKKEEPING_FIELDS = {"created_at", "created_by", "updated_at", "updated_by", "version"}


def admin_state(obj: models.Model) -> dict[str, Any]:
    """A record's fields as comparable values: foreign keys as ids, many-to-many as sorted ids."""
    state: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in BOOKKEEPING_FIELDS:
            continue
        state[field.name] = field.value_from_object(obj)
    if obj.pk is not None:
        for m2m in obj._meta.many_to_many:
            state[m2m.name] = sorted(getattr(obj, m2m.name).values_list("pk", flat=True))
    return state


def organisation_of(obj: models.Model) -> int | None:
    if obj._meta.label_lower == "organisations.organisation":
        return obj.pk
    return getattr(obj, "organisation_id", None)


class AuditedModelAdmin(admin.ModelAdmin):
    """Every add, change and delete made here is an audit event in the admin's own transaction,
    with the fields that changed — many-to-many fields and inline rows included."""

    audit_sensitive_fields: tuple[str, ...] = ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = admin_state(type(obj)._default_manager.get(pk=obj.pk)) if change else {}
        request._zakrila_audit_before = before  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(request, "_zakrila_audit_before", {})
        changes = changes_between(before, admin_state(obj), sensitive=self.audit_sensitive_fields)
        if changes or not change:
            audit_record(
                action=AuditAction.UPDATE if change else AuditAction.CREATE,
                actor=request.user,
                obj=obj,
                organisation_id=organisation_of(obj),
                changes=changes,
                details={"via": "admin"},
            )
        for formset in formsets:
            audit_inline_rows(request, formset, parent=obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # Deleted rows lose their id when deleted: note what they were first.
        formset._zakrila_deleted = [
            (row.instance, row.instance.pk, admin_state(row.instance))
            for row in formset.deleted_forms
            if row.instance.pk is not None
        ]
        super().save_formset(request, form, formset, change)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_deletion(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            audit_deletion(request, obj)
        super().delete_queryset(request, queryset)


def audit_deletion(request: HttpRequest, obj: Any) -> None:
    audit_record(
        action=AuditAction.DELETE,
        actor=request.user,
        obj=obj,
        organisation_id=organisation_of(obj),
        changes=changes_between(admin_state(obj), {}),
        details={"via": "admin"},
    )


def audit_inline_rows(request: HttpRequest, formset: BaseModelFormSet, *, parent: Any) -> None:
    """The rows an inline added, changed or deleted (after the formset was saved)."""
    details = {"via": "admin", "parent": f"{parent._meta.label_lower}:{parent.pk}"}
    for obj in getattr(formset, "new_objects", []):
        audit_record(
            action=AuditAction.CREATE,
            actor=request.user,
            obj=obj,
            organisation_id=organisation_of(parent),
            changes=changes_between({}, admin_state(obj)),
            details=details,
        )
    forms_by_pk = {form.instance.pk: form for form in formset.forms}
    for obj, _changed in getattr(formset, "changed_objects", []):
        form = forms_by_pk.get(obj.pk)
        before = {**admin_state(obj), **_initial_values(form)} if form else {}
        audit_record(
            action=AuditAction.UPDATE,
            actor=request.user,
            obj=obj,
            organisation_id=organisation_of(parent),
            changes=changes_between(before, admin_state(obj)),
            details=details,
        )
    for obj, pk, state in getattr(formset, "_zakrila_deleted", []):
        audit_record(
            action=AuditAction.DELETE,
            actor=request.user,
            object_type=obj._meta.label_lower,
            object_id=pk,
            organisation_id=organisation_of(parent),
            changes=changes_between(state, {}),
            details=details,
        )


def _initial_values(form: Any) -> dict[str, Any]:
    """What the inline row held before the change, as admin_state writes it."""
    values: dict[str, Any] = {}
    for name in form.changed_data:
        value = form.initial.get(name)
        if isinstance(value, models.Model):
            value = value.pk
        elif isinstance(value, list | tuple) and value and isinstance(value[0], models.Model):
            value = sorted(item.pk for item in value)
        values[name] = value
    return values


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is changed by nobody, not even a system administrator."""

    list_display = [
        "occurred_at",
        "chain",
        "seq",
        "actor_label",
        "action",
        "object_type",
        "object_id",
    ]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_id", "request_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
