"""The query parameters of the specimen list, validated and documented."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fangkong.core.api.filters import FilterSet, IdFilter
from fangkong.specimens.models import Specimen


class SpecimenFilterSet(FilterSet):
    person = IdFilter(field_name="person", label=_("人员 id"))

    class Meta:
        model = Specimen
        fields: list[str] = []
