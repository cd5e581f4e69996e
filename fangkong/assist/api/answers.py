"""API: the lists received and sent, their rows in the sender's order with the answers, the
list's file (the answer to the sender, or the list we send), recording the answer as sent,
sending a draft, and the other city's reply."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from fangkong.accounts.api.permissions import HasCapability
from fangkong.accounts.http import acting_user
from fangkong.assist.api.answer_serializers import (
    AssistRequestSerializer,
    AssistRowSerializer,
    ReplySerializer,
)
from fangkong.assist.exporting import request_file_response
from fangkong.assist.models import AssistRequest, AssistRow, Direction, RequestStatus
from fangkong.assist.selectors.requests import request_list, row_list, with_counts
from fangkong.assist.services.answers import assist_request_answer
from fangkong.assist.services.outgoing_lists import assist_request_reply, assist_request_send
from fangkong.core.api.filters import FilterSet, FlagFilter, IdFilter, TextFilter
from fangkong.core.api.pagination import KeysetPagination
from fangkong.core.api.viewsets import ScopedObjectFirst
from fangkong.core.audit import audit_read_many
from fangkong.core.tabular_export import XLSX_TYPE
from fangkong.people.selectors import disclosure_for


class AssistRequestFilterSet(FilterSet):
    direction = django_filters.ChoiceFilter(choices=Direction.choices, label=_("方向"))
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices, label=_("状态"))
    counterpart = TextFilter(field_name="counterpart", label=_("来函/去函单位（全称）"))

    class Meta:
        model = AssistRequest
        fields: list[str] = []


class AssistRowFilterSet(FilterSet):
    request = IdFilter(field_name="request", label=_("协查函 id"))
    answered = FlagFilter(method="filter_answered", label=_("true：仅已反馈的；false：仅未反馈的"))

    class Meta:
        model = AssistRow
        fields: list[str] = []

    def filter_answered(
        self, rows: QuerySet[AssistRow], name: str, value: bool | None
    ) -> QuerySet[AssistRow]:
        if value is None:
            return rows
        return rows.filter(answered_at__isnull=not value)


class RowOrderPagination(KeysetPagination):
    """Rows by cursor in the sender's order (their row numbers), as the answer lists them."""

    ordering = ("row_number", "pk")  # type: ignore[assignment]

    def _position_ok(self, cursor: Cursor) -> bool:
        return str(cursor.position).isascii() and str(cursor.position).isdigit()


def _with_disclosure(view: Any, context: dict[str, Any]) -> dict[str, Any]:
    context["disclosure"] = disclosure_for(view.request.user, full=True)
    return context


class AssistRequestViewSet(
    ScopedObjectFirst[AssistRequest],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[AssistRequest],
):
    """Lists received and sent that the caller may see, newest first, each with its counts
    of rows answered, outstanding and overdue. `?direction=`, `?status=`, `?counterpart=`."""

    serializer_class = AssistRequestSerializer
    permission_classes = [HasCapability("assist.view", write="assist.manage")]
    filterset_class = AssistRequestFilterSet

    def get_queryset(self) -> QuerySet[AssistRequest]:
        return request_list(viewer=self.request.user)

    def _counted(self, requests: list[AssistRequest]) -> list[AssistRequest]:
        return with_counts(viewer=self.request.user, requests=requests, now=timezone.now())

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = self._counted(list(page or []))
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self._counted([self.get_object()])[0]).data)

    def _answer(self, assist_request: AssistRequest) -> Response:
        fresh = self.get_queryset().get(pk=assist_request.pk)
        return Response(self.get_serializer(self._counted([fresh])[0]).data)

    @extend_schema(
        responses={
            (200, XLSX_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="XLSX: one line per row, in the sender's order"
            )
        }
    )
    @action(detail=True, methods=["get"], url_path="file")
    def file(self, request: Request, pk: str | None = None) -> HttpResponseBase:
        """The list's file: the answer to the sender for a list received (every row in the
        sender's order with its result or where it stands), the list itself for one we send."""
        assist_request = self.get_object()
        if assist_request.status == RequestStatus.DRAFT:
            raise NotFound("draft")
        return request_file_response(viewer=acting_user(request), assist_request=assist_request)

    @extend_schema(request=None, responses=AssistRequestSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        """Record that the answer went to the sender now (an interim one while rows are
        outstanding); the list closes when every row is answered."""
        done = assist_request_answer(
            request=self.get_object(), by=acting_user(request), at=timezone.now()
        )
        return self._answer(done)

    @extend_schema(request=None, responses=AssistRequestSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str | None = None) -> Response:
        """Send a reviewed draft of ours (409 for an empty one or one already sent)."""
        sent = assist_request_send(
            request=self.get_object(), by=acting_user(request), at=timezone.now()
        )
        return self._answer(sent)

    @extend_schema(request=ReplySerializer, responses=AssistRequestSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str | None = None) -> Response:
        """The other city's answers to rows of a list we sent, by row number; an unknown row
        number is a 400 naming it, and nothing is written."""
        assist_request = self.get_object()
        incoming = ReplySerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        replies = [
            (r["row_number"], r["outcome"], r.get("note", ""))
            for r in incoming.validated_data["rows"]
        ]
        done = assist_request_reply(
            request=assist_request, rows=replies, by=acting_user(request), at=timezone.now()
        )
        return self._answer(done)


class AssistRowViewSet(
    ScopedObjectFirst[AssistRow],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[AssistRow],
):
    """Rows of the lists the caller may see, in each sender's row order, with their answers.
    `?request=` one list's rows; `?answered=true|false`."""

    serializer_class = AssistRowSerializer
    permission_classes = [HasCapability("assist.view")]
    filterset_class = AssistRowFilterSet
    pagination_class = RowOrderPagination

    def get_queryset(self) -> QuerySet[AssistRow]:
        return row_list(viewer=self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        return _with_disclosure(self, dict(super().get_serializer_context()))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = list(self.paginate_queryset(self.filter_queryset(self.get_queryset())) or [])
        audit_read_many(
            by=acting_user(request),
            action="assist_request.view",
            model=AssistRow,
            ids=[r.pk for r in page],
            detail={"filter": dict(request.query_params.lists())},
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = self.get_object()
        audit_read_many(
            by=acting_user(request), action="assist_request.view", model=AssistRow, ids=[row.pk]
        )
        return Response(self.get_serializer(row).data)


router = SimpleRouter()
router.register("requests", AssistRequestViewSet, basename="assist-request")
router.register("rows", AssistRowViewSet, basename="assist-row")

urlpatterns = router.urls
