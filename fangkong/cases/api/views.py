"""The tracing API: cases (register, report, reclassify, trace), contacts and what is done
to them, investigations with their itinerary, and trace runs. Every write is a service."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from fangkong.accounts.api.permissions import HasCapability
from fangkong.accounts.capabilities import user_can
from fangkong.accounts.http import acting_user
from fangkong.cases.api import serializers as s
from fangkong.cases.api.filters import (
    CaseFilterSet,
    CaseRowsFilterSet,
    ContactFilterSet,
    InvestigationFilterSet,
)
from fangkong.cases.models import Case, Contact, Investigation, TraceRequest, TraceRun
from fangkong.cases.selectors.cases import case_list
from fangkong.cases.selectors.contacts import contact_list
from fangkong.cases.selectors.figures import case_numbers
from fangkong.cases.services.cases import case_reclassify, case_register, case_report
from fangkong.cases.services.contacts import (
    contact_add,
    contact_confirm,
    contact_control_record,
    contact_dismiss,
    contact_notify,
    contact_release,
)
from fangkong.cases.services.investigations import (
    investigation_complete,
    investigation_update,
    itinerary_add,
)
from fangkong.cases.services.trace_requests import trace_request_create
from fangkong.cases.visibility import case_scope_q
from fangkong.core.api.serializers import FigureSerializer
from fangkong.core.api.viewsets import ScopedObjectFirst
from fangkong.core.audit import audit_read
from fangkong.facilities.models import Hospital
from fangkong.people.models import Person
from fangkong.people.selectors import disclosure_for, person_list


def _require(request: Request, capability: str) -> None:
    if not user_can(request.user, capability):
        raise PermissionDenied


def _person(request: Request, pk: int | None) -> Person | None:
    if pk is None:
        return None
    person = person_list(viewer=request.user).filter(pk=pk).first()
    if person is None:
        raise NotFound(f"person {pk}")
    return person


def _identifiers_context(view: Any) -> dict[str, Any]:
    context = dict(super(type(view), view).get_serializer_context())
    context["disclosure"] = disclosure_for(view.request.user, full=True)
    return context


class CaseViewSet(
    ScopedObjectFirst[Case],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Case],
):
    """Cases the caller may see. `?q=` number, name or ID; `?classification=`;
    `?flag=unreported|report_overdue|investigation_overdue`."""

    serializer_class = s.CaseSerializer
    permission_classes = [HasCapability("cases.view", write="cases.register")]
    filterset_class = CaseFilterSet

    def get_queryset(self) -> QuerySet[Case]:
        return case_list(viewer=self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        return _identifiers_context(self)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case = self.get_object()
        audit_read(by=acting_user(request), action="case.view", obj=case)
        return Response(self.get_serializer(case).data)

    @extend_schema(request=s.CaseRegisterSerializer, responses={201: s.CaseSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Register a case of a person (the person's id)."""
        incoming = s.CaseRegisterSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        person = _person(request, data.pop("person"))
        hospital_pk = data.pop("reporting_hospital")
        hospital = Hospital.objects.filter(pk=hospital_pk).first() if hospital_pk else None
        case = case_register(
            person=person,  # type: ignore[arg-type]
            reporting_hospital=hospital,
            by=acting_user(request),
            **data,
        )
        return Response(self.get_serializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReclassifySerializer, responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def reclassify(self, request: Request, pk: str | None = None) -> Response:
        """Change the classification as of a time (e.g. suspected to confirmed)."""
        incoming = s.ReclassifySerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        case = case_reclassify(
            case=self.get_object(), by=acting_user(request), **incoming.validated_data
        )
        return Response(self.get_serializer(case).data)

    @extend_schema(request=s.ReportSerializer, responses=s.CaseSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk: str | None = None) -> Response:
        """Record the direct network report (网络直报) of the case, once."""
        incoming = s.ReportSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        case = case_report(
            case=self.get_object(),
            reported_at=incoming.validated_data["reported_at"],
            by=acting_user(request),
        )
        return Response(self.get_serializer(case).data)

    @extend_schema(request=s.TraceStartSerializer, responses={202: s.TraceRequestSerializer})
    # Named start_trace, not trace: DRF dispatches an HTTP method to the view's method of
    # that name, so a handler called `trace` also answered the HTTP TRACE verb on every URL.
    @action(detail=True, methods=["post"], url_path="trace", url_name="trace")
    def start_trace(self, request: Request, pk: str | None = None) -> Response:
        """Queue a trace of the case by the configured engine over the platform's check-ins
        (202; while one waits or runs, that one). Follow it at
        `/api/v1/cases/trace-requests/<id>/`; when done, its findings are proposed contacts
        (`/api/v1/cases/contacts/?case=<id>&status=proposed`) and `run` its trace run."""
        _require(request, "cases.investigate")
        incoming = s.TraceStartSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        queued = trace_request_create(
            case=self.get_object(),
            degree=incoming.validated_data.get("degree"),
            by=acting_user(request),
        )
        return Response(s.TraceRequestSerializer(queued).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=FigureSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def figures(self, request: Request) -> Response:
        """New cases by classification, contacts identified and under control, overdue."""
        return Response([f.as_dict() for f in case_numbers(viewer=request.user).figures()])


class ContactViewSet(
    ScopedObjectFirst[Contact],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Contact],
):
    """Contacts the caller may see. `?case=`, `?status=`, `?degree=1|2`, `?overdue=1`
    (past the control deadline). Creating one records a contact named in the interview."""

    serializer_class = s.ContactSerializer
    permission_classes = [HasCapability("cases.view", write="cases.investigate")]
    filterset_class = ContactFilterSet

    def get_queryset(self) -> QuerySet[Contact]:
        return contact_list(viewer=self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        return _identifiers_context(self)

    @extend_schema(request=s.ContactAddSerializer, responses={201: s.ContactSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record a contact of a case, named in the interview."""
        incoming = s.ContactAddSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        case = Case.objects.filter(case_scope_q(request.user), pk=data.pop("case")).first()
        if case is None:
            raise NotFound("case")
        person = _person(request, data.pop("person"))
        contact = contact_add(
            case=case,
            person=person,  # type: ignore[arg-type]
            via=_person(request, data.pop("via")),
            by=acting_user(request),
            **data,
        )
        return Response(self.get_serializer(contact).data, status=status.HTTP_201_CREATED)

    def _answer(self, contact: Contact) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=contact.pk)).data)

    @extend_schema(request=None, responses=s.ContactSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """Confirm a proposed contact (or take back a dismissal)."""
        return self._answer(contact_confirm(contact=self.get_object(), by=acting_user(request)))

    @extend_schema(request=s.DismissSerializer, responses=s.ContactSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str | None = None) -> Response:
        """Not a contact after all; `reason` says why."""
        incoming = s.DismissSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        contact = contact_dismiss(
            contact=self.get_object(),
            reason=incoming.validated_data["reason"],
            by=acting_user(request),
        )
        return self._answer(contact)

    @extend_schema(request=s.NoteSerializer, responses=s.ContactSerializer)
    @action(detail=True, methods=["post"])
    def notify(self, request: Request, pk: str | None = None) -> Response:
        """The contact has been told to stay put (phone, community worker at the door)."""
        _require(request, "cases.control")
        incoming = s.NoteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        contact = contact_notify(
            contact=self.get_object(), by=acting_user(request), **incoming.validated_data
        )
        return self._answer(contact)

    @extend_schema(request=s.NoteSerializer, responses=s.ContactSerializer)
    @action(detail=True, methods=["post"])
    def control(self, request: Request, pk: str | None = None) -> Response:
        """Under control outside a platform site (home, another city); `note` says where."""
        _require(request, "cases.control")
        incoming = s.NoteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        contact = contact_control_record(
            contact=self.get_object(), by=acting_user(request), **incoming.validated_data
        )
        return self._answer(contact)

    @extend_schema(request=s.NoteSerializer, responses=s.ContactSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str | None = None) -> Response:
        """Release a contact under control outside the platform's sites."""
        _require(request, "cases.control")
        incoming = s.NoteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        contact = contact_release(
            contact=self.get_object(), by=acting_user(request), **incoming.validated_data
        )
        return self._answer(contact)


class InvestigationViewSet(
    ScopedObjectFirst[Investigation], viewsets.ReadOnlyModelViewSet[Investigation]
):
    """Investigations of the cases the caller may see, with their itinerary. `?case=`."""

    serializer_class = s.InvestigationSerializer
    permission_classes = [HasCapability("cases.view", write="cases.investigate")]
    filterset_class = InvestigationFilterSet

    def get_queryset(self) -> QuerySet[Investigation]:
        rows = Investigation.objects.filter(
            case__in=Case.objects.filter(case_scope_q(self.request.user))
        )
        return rows.prefetch_related("itinerary__venue").order_by("-pk")

    @extend_schema(
        request=s.InvestigationSerializer,
        responses=s.InvestigationSerializer,
        parameters=[
            OpenApiParameter(
                "complete", str, enum=["1"], description=_("1：同时完成（关闭）流调；省略则只保存")
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def conclude(self, request: Request, pk: str | None = None) -> Response:
        """Set investigator, likely source and summary; `?complete=1` also closes it."""
        incoming = s.InvestigationSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        investigation = investigation_update(
            investigation=self.get_object(),
            investigator=data.get("investigator"),
            likely_source=data.get("likely_source", ""),
            summary=data.get("summary", ""),
            by=acting_user(request),
        )
        if request.query_params.get("complete") == "1":
            investigation = investigation_complete(
                investigation=investigation, by=acting_user(request)
            )
        return Response(self.get_serializer(investigation).data)

    @extend_schema(request=s.ItineraryEntrySerializer, responses={201: s.ItineraryEntrySerializer})
    @action(detail=True, methods=["post"])
    def itinerary(self, request: Request, pk: str | None = None) -> Response:
        """Add a place and time to the case's itinerary."""
        incoming = s.ItineraryEntrySerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        entry = itinerary_add(
            investigation=self.get_object(),
            starts_at=data["starts_at"],
            ends_at=data.get("ends_at"),
            venue=data.get("venue"),
            place=data.get("place", ""),
            activity=data.get("activity", ""),
            companions=data.get("companions", ""),
            by=acting_user(request),
        )
        return Response(s.ItineraryEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class _RowsOfVisibleCases(ScopedObjectFirst[Any], viewsets.ReadOnlyModelViewSet[Any]):
    """Rows of the cases the caller may see; `?case=` narrows them to one case."""

    permission_classes = [HasCapability("cases.view")]
    filterset_class = CaseRowsFilterSet
    model: type[TraceRun] | type[TraceRequest]

    def get_queryset(self) -> QuerySet[Any]:
        return self.model._default_manager.filter(
            case__in=Case.objects.filter(case_scope_q(self.request.user))
        )


class TraceRunViewSet(_RowsOfVisibleCases):
    """Trace runs of the cases the caller may see: parameters, timing, counts. `?case=`."""

    model = TraceRun
    serializer_class = s.TraceRunSerializer


class TraceRequestViewSet(_RowsOfVisibleCases):
    """Traces queued from the web for the cases the caller may see: queued, running, done
    (`run`) or failed (`error`). `?case=`."""

    model = TraceRequest
    serializer_class = s.TraceRequestSerializer
