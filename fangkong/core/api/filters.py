"""Filters of the API's lists (django-filter): every query parameter a list takes is declared
in its area's FilterSet, validated (a value the list cannot honour answers 400 naming the
parameter, never an empty 200) and documented in the schema by drf-spectacular.

An area's FilterSet subclasses `FilterSet` below and uses these filter classes for ids, flags
and bounded text, so that every list reads "1", "true" or a ten-digit id the same way.
A detail route is never narrowed by a list's filters: it finds its object among everything
the viewer may see, as before.
"""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from rest_framework.request import Request
from rest_framework.views import APIView

# The largest value a bigint key holds: a bigger id names no row, and SQLite cannot even
# compare with it (a server error).
BIGINT_MAX = 9_223_372_036_854_775_807
_ASCII_INTEGER = re.compile(r"-?[0-9]{1,19}")
_TRUE, _FALSE = ("1", "true"), ("0", "false")


class StrictIntegerField(forms.IntegerField):
    """A whole number in ASCII digits: Django's IntegerField reads "１２" or "١٢" as 12."""

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if not _ASCII_INTEGER.fullmatch(str(value)):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(str(value))


class StrictBooleanField(forms.Field):
    """true/1 or false/0; anything else is an error (NullBooleanField reads it as "not given")."""

    default_error_messages = {"invalid": _("应为 true、false、1 或 0。")}

    def to_python(self, value: Any) -> bool | None:
        if value in self.empty_values:
            return None
        text = str(value).lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class IdFilter(django_filters.NumberFilter):
    """The id of a row (`?site=12`): 1 up to the largest bigint."""

    field_class = StrictIntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)
        self.openapi_schema = {
            "type": "integer",
            "format": "int64",
            "minimum": kwargs["min_value"],
            "maximum": kwargs["max_value"],
        }


class IntegerFilter(IdFilter):
    """A whole number within bounds given by the caller (a floor: `min_value=-9`...)."""

    def __init__(self, *args: Any, min_value: int, max_value: int, **kwargs: Any) -> None:
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)
        self.openapi_schema["format"] = "int32"


class FlagFilter(django_filters.BooleanFilter):
    """A yes/no parameter: true or 1, false or 0 (documented as a boolean)."""

    field_class = StrictBooleanField


class TextFilter(django_filters.CharFilter):
    """Free text of bounded length (a search term); a NUL character is refused (400)."""

    def __init__(self, *args: Any, max_length: int = 100, **kwargs: Any) -> None:
        super().__init__(*args, max_length=max_length, **kwargs)
        self.openapi_schema = {"type": "string", "maxLength": max_length}


class FilterSet(django_filters.rest_framework.FilterSet):
    """The base of every FilterSet of the API.

    A filter given `initial=` applies that value when the parameter is absent or empty (an
    alert list shows open alerts unless asked for all); the schema shows it as the default.
    """

    def __init__(self, data: QueryDict | None = None, *args: Any, **kwargs: Any) -> None:
        if data is not None:
            defaults = {
                name: f.extra["initial"]
                for name, f in self.base_filters.items()
                if f.extra.get("initial") is not None and not data.get(name)
            }
            if defaults:
                data = data.copy()
                for name, value in defaults.items():
                    data[name] = value
        super().__init__(data, *args, **kwargs)


class FilterBackend(DjangoFilterBackend):
    """The API's filter backend (settings.REST_FRAMEWORK): a view with a `filterset_class`
    has its list filtered by it; an invalid value raises ValidationError (400, each error
    under the parameter's name)."""

    filterset_base = FilterSet

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: APIView) -> Any:
        if getattr(view, "detail", False):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def to_html(self, request: Request, queryset: QuerySet[Any], view: APIView) -> None:
        # The browsable API's filter form needs django-filter's templates; the schema and
        # Swagger UI document the parameters instead.
        return None


class FilterExtension(DjangoFilterExtension):
    """drf-spectacular's reading of django-filter, plus what our filter classes know
    exactly (integer bounds, text length, defaults); nothing on detail routes, which are not
    filtered."""

    target_class = "fangkong.core.api.filters.FilterBackend"
    priority = 1

    def get_schema_operation_parameters(
        self, auto_schema: Any, *args: Any, **kwargs: Any
    ) -> list[dict[str, Any]]:
        if getattr(auto_schema.view, "detail", False):
            return []
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(
            auto_schema, *args, **kwargs
        )
        return parameters

    def resolve_filter_field(
        self, auto_schema: Any, model: Any, filterset_class: Any, field_name: str, filter_field: Any
    ) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        exact = getattr(filter_field, "openapi_schema", None)
        initial = filter_field.extra.get("initial")
        for parameter in parameters:
            if exact is not None:
                parameter["schema"] = {**exact, **_enum_of(parameter["schema"])}
            if initial is not None:
                parameter["schema"]["default"] = initial
        return parameters


def _enum_of(schema: dict[str, Any]) -> dict[str, Any]:
    return {"enum": schema["enum"]} if "enum" in schema else {}
