"""The HQ's review of check-ins under an unverified claim (an ID number typed on the public page
under another name than the registry's): browsed here, every list and record opened audited
like the person pages. Who holds the claimed ID number is looked up in the person registry."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from fangkong.core.admin import ReadAuditedAdmin
from fangkong.venues.models import UnverifiedCheckIn


@admin.register(UnverifiedCheckIn)
class UnverifiedCheckInAdmin(ReadAuditedAdmin):
    read_audit_name = "unverified_checkin"
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
