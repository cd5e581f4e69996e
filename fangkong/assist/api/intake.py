"""API: incoming assist requests (协查函). The provincial platform posts a list with its rows
(idempotent by its request number and row numbers), an HQ operator uploads a sender's file,
and the rows no identity matched wait in the manual queue until identified by hand."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from fangkong.accounts.api.permissions import HasCapability
from fangkong.accounts.http import acting_user
from fangkong.assist.api import intake_serializers as s
from fangkong.assist.importing import (
    ASSIST_COLUMNS,
    assist_rows_check,
    assist_rows_from_table,
)
from fangkong.assist.models import AssistRequest, AssistRow
from fangkong.assist.selectors.requests import manual_queue
from fangkong.assist.services.intake import (
    IntakeResult,
    assist_request_receive,
    assist_row_identify,
)
from fangkong.core.api.filters import FilterSet, IdFilter
from fangkong.core.api.viewsets import ScopedObjectFirst
from fangkong.core.audit import audit_read_many
from fangkong.core.tabular import read_table
from fangkong.people.selectors import disclosure_for, person_list


def _answer(result: IntakeResult) -> Response:
    request = s.with_counts(AssistRequest.objects.filter(pk=result.request.pk)).get()
    # The serializer's own dict, which keeps the request: a 201 is located by it.
    data = s.ReceivedRequestReceiptSerializer(request).data
    data["receipt"] = {
        "created": result.created,
        "added": len(result.added),
        "unchanged": result.unchanged,
        "persons_created": len(result.created_person_ids),
        "tasks": result.tasks,
        "answered": result.answered,
        "manual": result.manual,
    }
    return Response(data, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class IncomingRequestViewSet(
    ScopedObjectFirst[AssistRequest], viewsets.GenericViewSet[AssistRequest]
):
    """Receiving incoming assist requests (the HQ's, `assist.manage`): their rows as JSON, or
    the sender's file. What was received is read at /api/v1/assist/requests/ (the answers'
    API), where a 201's `Location` points."""

    serializer_class = s.ReceivedRequestSerializer
    permission_classes = [HasCapability("assist.manage")]
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[AssistRequest]:
        return s.with_counts(AssistRequest.objects.incoming())

    @extend_schema(
        request=s.AssistRequestReceiveSerializer,
        responses={
            201: s.ReceivedRequestReceiptSerializer,
            200: s.ReceivedRequestReceiptSerializer,
        },
    )
    def create(self, request: Request) -> Response:
        """Receive a list with its rows (the provincial platform). Idempotent by the sender,
        its number and the row numbers: a resend adds only rows not received before (200;
        201 when the request is new), and a row number received before with other content
        is refused (400 naming the row). Each row is matched by ID document, else by phone;
        persons already under control here are answered at once, the others become
        verification tasks of the community responsible, and rows without a usable identity
        wait in the manual queue. A bad row refuses the whole list (`row` is the record's
        position, `field` its key)."""
        incoming = s.AssistRequestReceiveSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        result = assist_request_receive(
            counterpart=data["counterpart"],
            counterpart_kind=data["counterpart_kind"],
            number=data["number"],
            received_at=data["received_at"],
            rows=assist_rows_check(data["rows"]),
            by=acting_user(request),
            at=timezone.now(),
        )
        return _answer(result)

    @extend_schema(
        request={"multipart/form-data": s.AssistRequestImportSerializer},
        responses={
            201: s.ReceivedRequestReceiptSerializer,
            200: s.ReceivedRequestReceiptSerializer,
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_file(self, request: Request) -> Response:
        """Receive a list from the sender's file. XLSX, or CSV in UTF-8 or GB18030, with
        the columns 序号, 姓名, 证件类型, 证件号码, 手机号, 住址, 人员类别, 暴露地点, 暴露时间,
        备注 (and their common variants); idempotent as a list posted as JSON. Every row is
        checked first; a bad row refuses the file, each error naming its line and column."""
        incoming = s.AssistRequestImportSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        upload = data["file"]
        rows = assist_rows_from_table(read_table(upload, str(upload.name), ASSIST_COLUMNS))
        result = assist_request_receive(
            counterpart=data["counterpart"],
            counterpart_kind=data["counterpart_kind"],
            number=data["number"],
            received_at=data["received_at"],
            rows=rows,
            by=acting_user(request),
            at=timezone.now(),
            filename=str(upload.name),
        )
        return _answer(result)


class ManualQueueFilterSet(FilterSet):
    request = IdFilter(field_name="request", label=_lazy("协查函 id"))

    class Meta:
        model = AssistRow
        fields: list[str] = []


class ManualQueueViewSet(
    ScopedObjectFirst[AssistRow], mixins.ListModelMixin, viewsets.GenericViewSet[AssistRow]
):
    """Rows of incoming requests that no ID document or phone matched, newest first;
    `?request=` one list's. The HQ identifies each by hand (`identify`), and it is then
    assigned or answered as at receipt. Every page listed is audited."""

    serializer_class = s.ManualQueueRowSerializer
    permission_classes = [HasCapability("assist.manage")]
    filterset_class = ManualQueueFilterSet

    def get_queryset(self) -> QuerySet[AssistRow]:
        return manual_queue()

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        context["disclosure"] = disclosure_for(self.request.user, full=True)
        return context

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # the API always paginates (cursor)
        audit_read_many(
            by=acting_user(request),
            action="assist_request.view",
            model=AssistRow,
            ids=[row.pk for row in page],
            detail={"queue": "manual"},
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=s.ManualRowIdentifySerializer, responses=s.ManualQueueRowSerializer)
    @action(detail=True, methods=["post"])
    def identify(self, request: Request, pk: str | None = None) -> Response:
        """Identify the row as a registered person (their id); 409 if the row was identified
        meanwhile."""
        incoming = s.ManualRowIdentifySerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        person = (
            person_list(viewer=request.user).filter(pk=incoming.validated_data["person"]).first()
        )
        if person is None:
            raise serializers.ValidationError(
                {"person": [serializers.ErrorDetail(_("找不到该人员"), code="unknown")]}
            )
        row = assist_row_identify(
            row=self.get_object(), person=person, by=acting_user(request), at=timezone.now()
        )
        return Response(self.get_serializer(row).data)


_router = SimpleRouter()
_router.register("incoming", IncomingRequestViewSet, basename="assist-incoming")
_router.register("manual-queue", ManualQueueViewSet, basename="assist-manual-queue")

urlpatterns = _router.urls
