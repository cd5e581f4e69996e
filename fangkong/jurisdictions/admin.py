from django.contrib import admin

from fangkong.core.admin import AuditedAdmin, ReadOnlyAdmin
from fangkong.jurisdictions.models import Jurisdiction, ResponsibleUnit


@admin.register(Jurisdiction)
class JurisdictionAdmin(ReadOnlyAdmin):
    # The tree's paths are maintained by jurisdiction_create; edits here would break them.
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(ResponsibleUnit)
class ResponsibleUnitAdmin(AuditedAdmin):
    list_display = ["name", "kind", "jurisdiction", "parent", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    autocomplete_fields = ["jurisdiction", "parent"]
