"""Accounts and memberships in the admin site. Every change goes through the account services,
so it is in the audit trail (not only in Django's admin log) and an ended membership or a
closed account ends the user's sessions at once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from zakrila.accounts.models import Membership, Role, User
from zakrila.accounts.queries import home_organisation_id
from zakrila.accounts.services import (
    USER_FIELDS,
    membership_change,
    membership_grant,
    user_update,
)
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record, changes_between, snapshot


class MembershipAdminForm(forms.ModelForm):
    """Roles as check boxes; the user and organisation of an existing membership stay fixed
    (end it and grant a new one instead)."""

    roles = forms.MultipleChoiceField(
        label=_("roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Membership
        fields = ["user", "organisation", "roles", "units", "job_title", "starts_on", "ends_on"]
        fields += ["is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            for name in ("user", "organisation"):
                if name in self.fields:
                    self.fields[name].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        organisation = data.get("organisation") or getattr(self.instance, "organisation", None)
        units = data.get("units") or []
        if organisation is not None and any(
            unit.organisation_id != organisation.pk for unit in units
        ):
            self.add_error("units", _("Choose only units of the membership's own organisation."))
        return data


def _save_membership(request: HttpRequest, form: Any, *, user: User | None = None) -> Membership:
    data = form.cleaned_data
    if form.instance.pk is None:
        membership = membership_grant(
            actor=request.user,  # type: ignore[arg-type]
            user=user or data["user"],
            organisation=data["organisation"],
            roles=data["roles"],
            units=data.get("units") or [],
            job_title=data.get("job_title", ""),
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
        )
        if not data.get("is_active", True):
            membership = membership_change(
                actor=request.user,  # type: ignore[arg-type]
                membership=membership,
                is_active=False,
            )
    else:
        membership = membership_change(
            actor=request.user,  # type: ignore[arg-type]
            membership=form.instance,
            roles=data["roles"],
            units=data.get("units") or [],
            job_title=data.get("job_title", ""),
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on"),
            is_active=data.get("is_active", True),
        )
    form.instance.pk = membership.pk
    return membership


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipAdminForm
    extra = 0
    filter_horizontal = ["units"]
    can_delete = False  # a membership is ended, never deleted: its history stays


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    search_fields = ["email", "full_name"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    fieldsets = (
        (None, {"fields": ("email", "full_name", "password")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    inlines = [MembershipInline]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            fields = {name: form.cleaned_data[name] for name in form.changed_data}
            fields = {name: value for name, value in fields.items() if name in USER_FIELDS}
            if fields:
                user_update(actor=request.user, user=obj, **fields)  # type: ignore[arg-type]
            return
        super().save_model(request, obj, form, change)
        audit_record(
            action=AuditAction.CREATE,
            actor=request.user,
            obj=obj,
            organisation_id=None,
            changes=changes_between({}, snapshot(obj, USER_FIELDS)),
            details={"via": "admin"},
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        # The admin's own log reads what the formset saved.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.forms:
            if not row.has_changed():
                continue
            added = row.instance.pk is None
            membership = _save_membership(request, row, user=form.instance)
            if added:
                formset.new_objects.append(membership)
            else:
                formset.changed_objects.append((membership, row.changed_data))

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = User.objects.get(pk=id)
                audit_record(
                    action=AuditAction.UPDATE,
                    actor=request.user,
                    obj=user,
                    organisation_id=home_organisation_id(user),
                    changes={"password": "changed"},
                    details={"via": "admin"},
                )
        return response

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        _audit_user_deleted(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            _audit_user_deleted(request, obj)
        super().delete_queryset(request, queryset)


def _audit_user_deleted(request: HttpRequest, user: User) -> None:
    audit_record(
        action=AuditAction.DELETE,
        actor=request.user,
        obj=user,
        organisation_id=home_organisation_id(user),
        changes=changes_between(snapshot(user, USER_FIELDS), {}),
        details={"via": "admin"},
    )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ["user", "organisation", "roles", "starts_on", "ends_on", "is_active"]
    list_filter = ["organisation", "is_active"]
    filter_horizontal = ["units"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Saved in save_related, with its units, by the membership services."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        _save_membership(request, form)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a membership is ended, never deleted: its history stays
