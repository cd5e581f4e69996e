from rest_framework import serializers

from fangkong.jurisdictions.models import Jurisdiction, ResponsibleUnit


class JurisdictionSerializer(serializers.ModelSerializer[Jurisdiction]):
    class Meta:
        model = Jurisdiction
        fields = ["id", "code", "name", "level", "parent", "path"]


class ResponsibleUnitSerializer(serializers.ModelSerializer[ResponsibleUnit]):
    class Meta:
        model = ResponsibleUnit
        fields = ["id", "name", "kind", "jurisdiction", "parent", "contact_name", "active"]
