from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.core.admin import AuditedAdmin


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "jurisdiction", "unit", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name", "phone"]
    autocomplete_fields = ["jurisdiction", "unit"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("防控平台"), {"fields": ("full_name", "role", "jurisdiction", "unit", "phone")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("防控平台"), {"fields": ("full_name", "role", "jurisdiction", "unit", "phone")}),
    )
