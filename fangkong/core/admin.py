"""Django admin, for HQ administrators. Writes made here are audited like any service write."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from fangkong.core.audit import audit_read, audit_read_many, audit_write, changed, snapshot
from fangkong.core.models import AuditEvent, DataImport


class AuditedAdmin(admin.ModelAdmin):
    """Admin edits bypass the services, so they leave their audit row here instead."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = (
                snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk is not None else {}
            )
            super().save_model(request, obj, form, change)
            old, new = changed(before, snapshot(obj))
            action = f"{obj._meta.model_name}.admin_{'change' if change else 'add'}"
            audit_write(by=admin_user(request), action=action, obj=obj, before=old, after=new)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            audit_write(
                by=admin_user(request),
                action=f"{obj._meta.model_name}.admin_delete",
                obj=obj,
                before=snapshot(obj),
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that only services may write (with their validation) are browsed, not edited."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def admin_user(request: HttpRequest) -> Any:
    """The signed-in user behind an admin request, for audit rows (None if anonymous)."""
    return request.user if request.user.is_authenticated else None


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "kind", "action", "object_type", "object_id", "channel"]
    list_filter = ["kind", "channel", "object_type", "action"]
    search_fields = ["actor_label", "action", "object_id", "object_repr"]
    date_hierarchy = "at"


@admin.register(DataImport)
class DataImportAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "filename", "rows", "created", "existing", "by"]
    list_filter = ["kind"]


class ReadAuditedAdmin(ReadOnlyAdmin):
    """Read-only, and every list and record opened in the admin is an audited read
    (`<read_audit_name>.admin_list` with the ids shown, `<read_audit_name>.admin_view`)."""

    read_audit_name = ""

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = (
            response.context_data.get("cl")
            if isinstance(response, TemplateResponse) and response.context_data
            else None
        )
        if changelist is not None:
            audit_read_many(
                by=admin_user(request),
                action=f"{self.read_audit_name}.admin_list",
                model=self.model,
                ids=[row.pk for row in changelist.result_list],
                detail={"q": changelist.query, "filter": dict(changelist.params)},
            )
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        original = (
            response.context_data.get("original")
            if isinstance(response, TemplateResponse) and response.context_data
            else None
        )
        if isinstance(original, self.model):
            audit_read(
                by=admin_user(request), action=f"{self.read_audit_name}.admin_view", obj=original
            )
        return response
