from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.masking import Disclosure, person_shown
from fangkong.people.models import IdType, Person


class PersonSerializer(serializers.ModelSerializer[Person]):
    """A person as the viewer may see them (`people.masking`): roles that may see identifiers
    get them in full (phone in E.164); others get masked numbers, no birth date (null) and no
    address (empty), the home jurisdiction standing in for it. Context `disclosure` decides;
    without it, the least is shown."""

    phone = serializers.SerializerMethodField()
    id_number = serializers.SerializerMethodField()
    address = serializers.SerializerMethodField()
    birth_date = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id", "name", "id_type", "id_number", "phone", "address", "home_jurisdiction",
            "sex", "birth_date", "created_at", "updated_at",
        ]  # fmt: skip

    def _disclosure(self) -> Disclosure:
        chosen = self.context.get("disclosure")
        return chosen if isinstance(chosen, Disclosure) else Disclosure.MINIMAL

    def get_id_number(self, person: Person) -> str:
        return person_shown(person, self._disclosure()).id_number

    def get_phone(self, person: Person) -> str:
        if self._disclosure().identifiers:
            return person.phone  # integrators read E.164, as they write it
        return person_shown(person, self._disclosure()).phone

    def get_address(self, person: Person) -> str:
        return person_shown(person, self._disclosure()).address

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_birth_date(self, person: Person) -> dt.date | None:
        return person_shown(person, self._disclosure()).birth_date


class PersonWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=50)
    id_type = serializers.ChoiceField(choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number = serializers.CharField(max_length=32)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    home_jurisdiction = serializers.PrimaryKeyRelatedField(
        queryset=Jurisdiction.objects.all(), required=False, allow_null=True, default=None
    )
