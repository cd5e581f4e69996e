"""The query parameters of the person list, validated and documented."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fangkong.core.api.filters import FilterSet, TextFilter
from fangkong.people.models import Person, PersonQuerySet
from fangkong.people.selectors import person_search_q


class PersonFilterSet(FilterSet):
    q = TextFilter(method="filter_q", label=_("姓名（前缀）、证件号码或手机号"))

    class Meta:
        model = Person
        fields: list[str] = []

    def filter_q(self, persons: PersonQuerySet, name: str, value: str) -> PersonQuerySet:
        return persons.filter(person_search_q(value))
