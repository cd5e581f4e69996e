from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from fangkong.core.admin import ReadOnlyAdmin, admin_user
from fangkong.core.audit import audit_read, audit_read_many
from fangkong.people.models import Person


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    """Persons are registered and changed through the services (ID check digit, one record
    per document); the admin only browses them, masked in the list like every list, and each
    list or record opened is a read audit row like the pages'."""

    list_display = [
        "name",
        "id_type",
        "id_number_masked",
        "phone_masked",
        "home_jurisdiction",
        "created_at",
    ]
    list_filter = ["id_type", "sex"]
    search_fields = ["=id_number", "=phone", "name"]
    show_full_result_count = False

    @admin.display(description=_("证件号码"))
    def id_number_masked(self, person: Person) -> str:
        return person.masked_id_number

    @admin.display(description=_("手机号"))
    def phone_masked(self, person: Person) -> str:
        return person.masked_phone

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
                action="person.admin_list",
                model=Person,
                ids=[person.pk for person in changelist.result_list],
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
        if isinstance(original, Person):
            audit_read(by=admin_user(request), action="person.admin_view", obj=original)
        return response
