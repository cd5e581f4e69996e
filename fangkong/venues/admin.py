"""The HQ's review of check-ins under an unverified claim (an ID number typed on the public page
under another name than the registry's): browsed here, every list and record opened audited
like the person pages. Who holds the claimed ID number is looked up in the person registry."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from fangkong.core.admin import ReadOnlyAdmin, admin_user
from fangkong.core.audit import audit_read, audit_read_many
from fangkong.venues.models import UnverifiedCheckIn


@admin.register(UnverifiedCheckIn)
class UnverifiedCheckInAdmin(ReadOnlyAdmin):
    list_display = ["venue", "check_in", "check_out", "claimed_name", "claimed_id_number"]
    list_select_related = ["venue", "visitor_pass"]
    search_fields = ["=visitor_pass__claimed_id_number"]
    date_hierarchy = "check_in"
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[UnverifiedCheckIn]:
        return super().get_queryset(request).select_related("venue", "visitor_pass")

    @admin.display(description=_("所填姓名"))
    def claimed_name(self, stay: UnverifiedCheckIn) -> str:
        return stay.visitor_pass.claimed_name

    @admin.display(description=_("所填证件号码"))
    def claimed_id_number(self, stay: UnverifiedCheckIn) -> str:
        return stay.visitor_pass.claimed_id_number

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
                action="unverified_checkin.admin_list",
                model=UnverifiedCheckIn,
                ids=[stay.pk for stay in changelist.result_list],
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
        if isinstance(original, UnverifiedCheckIn):
            audit_read(by=admin_user(request), action="unverified_checkin.admin_view", obj=original)
        return response
