from django.contrib import admin

from fangkong.core.admin import ReadOnlyAdmin
from fangkong.policy.models import Measure


@admin.register(Measure)
class MeasureAdmin(ReadOnlyAdmin):
    list_display = ["kind", "subject", "value", "effective_at", "source", "recorded_by"]
    list_filter = ["kind"]
