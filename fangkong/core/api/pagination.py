"""Every list of the API pages one way: by cursor (keyset), newest first, `PAGE_SIZE` rows a
page by default (settings.REST_FRAMEWORK), at most `MAX_PAGE_SIZE`. A page size or cursor
the API cannot honour is a 400 naming the parameter, never a silently different page (nor a
404 or a server error)."""

from __future__ import annotations

from base64 import b64decode
from typing import Any
from urllib.parse import parse_qs

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request
from rest_framework.views import APIView

MAX_PAGE_SIZE = 500
# The largest value a bigint key holds; a cursor past it cannot point into any table.
_BIGINT_MAX = 9_223_372_036_854_775_807


class KeysetPagination(CursorPagination):
    """Cursor (keyset) pagination: stable and fast on large tables, newest first."""

    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    _model: type[Model] | None = None

    def paginate_queryset(
        self, queryset: Any, request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        self._model = getattr(queryset, "model", None)
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request: Request) -> int | None:
        raw = request.query_params.get(self.page_size_query_param or "page_size")
        if raw is None or raw == "":
            return self.page_size
        # ASCII digits only: int() also reads "١٢" or "１２" as 12.
        size = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None
        if size is None or not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    "page_size": [
                        _("每页条数应为 1 到 %(max)d 之间的整数。") % {"max": self.max_page_size}
                    ]
                },
                code="invalid",
            )
        return size

    def decode_cursor(self, request: Request) -> Cursor | None:
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded and not _made_here(encoded):
            raise self._invalid_cursor()
        try:
            cursor = super().decode_cursor(request)
        except NotFound as error:
            raise self._invalid_cursor() from error
        if cursor is not None and cursor.position is not None and not self._position_ok(cursor):
            raise self._invalid_cursor()
        return cursor

    def _position_ok(self, cursor: Cursor) -> bool:
        """Whether the cursor's position is a value of the ordering field: a forged one would
        otherwise reach the database as a wrong-typed comparison (a server error)."""
        if self._model is None:
            return True
        name = self.ordering[0].lstrip("-")
        field = self._model._meta.pk if name == "pk" else self._model._meta.get_field(name)
        try:
            value = field.to_python(cursor.position)  # type: ignore[union-attr]
        except DjangoValidationError:
            return False
        if isinstance(value, int) and not -_BIGINT_MAX <= value <= _BIGINT_MAX:
            return False
        return value is not None

    def _invalid_cursor(self) -> ValidationError:
        return ValidationError(
            {self.cursor_query_param: [_("翻页游标无效，请使用上一页应答中的链接。")]},
            code="invalid",
        )

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.cursor_query_param:
                parameter["description"] = gettext_lazy(
                    "翻页游标：取自上一页应答的 next 或 previous 链接，不要自行构造；"
                    "无效的游标答 400。"
                )
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = format_lazy(
                    gettext_lazy(
                        "每页条数：1 到 {max}，默认 {default}；超过 {max} 答 400（不会悄悄截断）。"
                    ),
                    max=self.max_page_size,
                    default=self.page_size,
                )
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
        return parameters


def _made_here(encoded: str) -> bool:
    """Whether the cursor is strict base64 of the parameters DRF writes (o, r, p): DRF's own
    decoding drops stray characters and unknown keys, reading "%%%" as the first page."""
    try:
        decoded = b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
    except ValueError:
        return False
    return set(parse_qs(decoded, keep_blank_values=True)) <= {"o", "r", "p"}


def page_parameters() -> list[OpenApiParameter]:
    """The cursor and page_size parameters, for a custom action that pages its rows (the
    schema documents them by itself on a viewset's list route only)."""
    paginator = KeysetPagination()
    described = {p["name"]: p for p in paginator.get_schema_operation_parameters(APIView())}
    return [
        OpenApiParameter(
            name,
            type=p["schema"],
            location=OpenApiParameter.QUERY,
            required=False,
            description=p["description"],
        )
        for name, p in described.items()
    ]


def paginated(child: type[serializers.Serializer[Any]], *, name: str) -> Any:
    """The response of a custom action that pages `child` rows: `{next, previous, results}`,
    as every list route answers."""
    return inline_serializer(
        f"Paginated{name}List",
        {
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": child(many=True),
        },
    )
