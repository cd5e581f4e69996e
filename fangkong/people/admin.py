from django.contrib import admin

from fangkong.core.admin import ReadOnlyAdmin
from fangkong.people.models import Person


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    # Persons are registered and changed through the services (ID check digit, one record per
    # document); the admin only browses them.
    list_display = ["name", "id_type", "id_number", "phone", "home_jurisdiction", "created_at"]
    list_filter = ["id_type", "sex"]
    search_fields = ["=id_number", "=phone", "name"]
    show_full_result_count = False
