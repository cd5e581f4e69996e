from django.contrib import admin

from fangkong.alerts.models import Alert
from fangkong.core.admin import ReadOnlyAdmin


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["raised_at", "severity", "kind", "title", "jurisdiction", "resolved_at"]
    list_filter = ["severity", "kind"]
    search_fields = ["title"]
