from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from fangkong.core.admin import ReadAuditedAdmin
from fangkong.people.models import Person


@admin.register(Person)
class PersonAdmin(ReadAuditedAdmin):
    read_audit_name = "person"
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
