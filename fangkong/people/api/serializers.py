from __future__ import annotations

from typing import Any

from rest_framework import serializers

from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import IdType, Person


class PersonSerializer(serializers.ModelSerializer[Person]):
    """A person; ID number and phone are masked unless the viewer may see them."""

    phone = serializers.SerializerMethodField()
    id_number = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id", "name", "id_type", "id_number", "phone", "address", "home_jurisdiction",
            "sex", "birth_date", "created_at", "updated_at",
        ]  # fmt: skip

    def _full(self) -> bool:
        return bool(self.context.get("full_identifiers"))

    def get_id_number(self, person: Person) -> str:
        return person.id_number if self._full() else person.masked_id_number

    def get_phone(self, person: Person) -> str:
        return person.phone if self._full() else person.masked_phone


class PersonWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=50)
    id_type = serializers.ChoiceField(choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number = serializers.CharField(max_length=32)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    home_jurisdiction = serializers.PrimaryKeyRelatedField(
        queryset=Jurisdiction.objects.all(), required=False, allow_null=True, default=None
    )
