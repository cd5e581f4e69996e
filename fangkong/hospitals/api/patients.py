"""Admissions and their clinical course, discharge, and monitoring after discharge."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fangkong.accounts.http import acting_user
from fangkong.core.api.viewsets import ScopedObjectFirst
from fangkong.core.errors import Conflict
from fangkong.hospitals.api import filters as f
from fangkong.hospitals.api.permissions import ActionCapability
from fangkong.hospitals.api.serializers import (
    AdmissionCreateSerializer,
    AdmissionDetailSerializer,
    AdmissionSerializer,
    AssessmentSerializer,
    BedMoveSerializer,
    ClassificationChangeSerializer,
    ClassifySerializer,
    ClinicalTestSerializer,
    ClinicalTestWriteSerializer,
    DailyNoteSerializer,
    DailyNoteWriteSerializer,
    DischargeSerializer,
    MonitoringCheckWriteSerializer,
    MonitoringSerializer,
    NoFreeBedSerializer,
    TransferSerializer,
)
from fangkong.hospitals.discharge import discharge_assess
from fangkong.hospitals.models import Admission, Hospital, PostDischargeMonitoring
from fangkong.hospitals.selectors.hospitals import hospital_list
from fangkong.hospitals.selectors.patients import (
    admission_list,
    cases_awaiting_admission,
    monitoring_list,
    transfers_awaiting_admission,
)
from fangkong.hospitals.services.admissions import (
    NoFreeBed,
    admission_create,
    admission_from_case,
    admission_from_transfer,
    admission_move_bed,
    admission_register_and_admit,
    admission_transfer_hospital,
)
from fangkong.hospitals.services.clinical import (
    classification_change,
    clinical_test_record,
    daily_note_record,
)
from fangkong.hospitals.services.discharge import admission_discharge, monitoring_check_record
from fangkong.people.selectors import person_list


def _visible_hospital(request: Request, hospital: Hospital) -> Hospital:
    if not hospital_list(viewer=request.user).filter(pk=hospital.pk).exists():
        raise Http404
    return hospital


def _no_free_bed(refusal: NoFreeBed) -> Conflict:
    """The refusal as the API says it: a 409 problem naming the hospitals with a free bed."""
    alternatives = [
        {"hospital": a.hospital.pk, "name": a.hospital.name, "free": a.free}
        for a in refusal.alternatives
    ]
    return Conflict(refusal.message, code=refusal.code, extensions={"alternatives": alternatives})


class AdmissionViewSet(
    ScopedObjectFirst[Admission],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Admission],
):
    """Admissions of the persons the viewer may see (`?hospital=`, `?active=true`, `?q=`)."""

    permission_classes = [ActionCapability]
    filterset_class = f.AdmissionFilterSet
    capabilities = {
        "create": "hospitals.admit",
        "move": "hospitals.admit",
        "transfer": "hospitals.admit",
        "classify": "hospitals.clinical",
        "notes": "hospitals.clinical",
        "tests": "hospitals.clinical",
        "discharge": "hospitals.discharge",
    }

    def get_queryset(self) -> QuerySet[Admission]:
        return admission_list(viewer=self.request.user)

    def get_serializer_class(self) -> type[AdmissionSerializer]:
        return AdmissionDetailSerializer if self.action == "retrieve" else AdmissionSerializer

    @extend_schema(
        request=AdmissionCreateSerializer,
        responses={
            201: AdmissionSerializer,
            409: OpenApiResponse(
                NoFreeBedSerializer, description="无空闲床位：列出有空床的其他医院"
            ),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Admit a patient: a closed-loop transfer, a case, a person or an identity document."""
        incoming = AdmissionCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        by = acting_user(request)
        hospital = _visible_hospital(request, data.pop("hospital"))
        common = {
            key: data[key]
            for key in ("ward_kind", "classification", "admitted_at", "bed", "diagnosis_note")
            if key in data
        }
        try:
            if data.get("transfer"):
                transfer = (
                    transfers_awaiting_admission(hospital=hospital)
                    .filter(pk=data["transfer"])
                    .first()
                )
                if transfer is None:
                    raise Http404
                admission = admission_from_transfer(transfer=transfer, by=by, **common)
            elif data.get("case"):
                case = cases_awaiting_admission(viewer=request.user).filter(pk=data["case"]).first()
                if case is None:
                    raise Http404
                admission = admission_from_case(case=case, hospital=hospital, by=by, **common)
            elif data.get("person"):
                person = person_list(viewer=request.user).filter(pk=data["person"]).first()
                if person is None:
                    raise Http404
                admission = admission_create(person=person, hospital=hospital, by=by, **common)
            else:
                admission = admission_register_and_admit(
                    name=data["name"],
                    id_type=data["id_type"],
                    id_number=data["id_number"],
                    phone=data["phone"],
                    address=data["address"],
                    hospital=hospital,
                    by=by,
                    **common,
                )
        except NoFreeBed as refusal:
            raise _no_free_bed(refusal) from refusal
        return Response(AdmissionSerializer(admission).data, status=status.HTTP_201_CREATED)

    def _write(self, request: Request, incoming_class: Any, write: Any, output: Any) -> Response:
        incoming = incoming_class(data=request.data)
        incoming.is_valid(raise_exception=True)
        result = write(self.get_object(), acting_user(request), dict(incoming.validated_data))
        return Response(output(result).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ClassifySerializer, responses={201: ClassificationChangeSerializer})
    @action(detail=True, methods=["post"])
    def classify(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record a classification change (轻型, 普通型, 重型, 危重型) as of a time."""
        return self._write(
            request,
            ClassifySerializer,
            lambda a, by, d: classification_change(admission=a, by=by, **d),
            ClassificationChangeSerializer,
        )

    @extend_schema(request=DailyNoteWriteSerializer, responses={201: DailyNoteSerializer})
    @action(detail=True, methods=["post"])
    def notes(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The day's highest temperature, respiratory symptoms and notes (one per day)."""
        return self._write(
            request,
            DailyNoteWriteSerializer,
            lambda a, by, d: daily_note_record(admission=a, by=by, **d),
            DailyNoteSerializer,
        )

    @extend_schema(request=ClinicalTestWriteSerializer, responses={201: ClinicalTestSerializer})
    @action(detail=True, methods=["post"])
    def tests(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A nucleic-acid result with N and ORF1ab Ct values, or an imaging examination."""
        return self._write(
            request,
            ClinicalTestWriteSerializer,
            lambda a, by, d: clinical_test_record(admission=a, by=by, **d),
            ClinicalTestSerializer,
        )

    @extend_schema(request=BedMoveSerializer, responses={201: AdmissionDetailSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Move the patient to another bed or ward of the same hospital."""
        try:
            return self._write(
                request,
                BedMoveSerializer,
                lambda a, by, d: admission_move_bed(admission=a, by=by, **d).admission,
                AdmissionDetailSerializer,
            )
        except NoFreeBed as refusal:
            raise _no_free_bed(refusal) from refusal

    @extend_schema(
        request=TransferSerializer,
        responses={201: AdmissionSerializer, 409: NoFreeBedSerializer},
    )
    @action(detail=True, methods=["post"], creates_another=True)
    def transfer(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Transfer the patient to another hospital; answers the new admission."""
        try:
            return self._write(
                request,
                TransferSerializer,
                lambda a, by, d: admission_transfer_hospital(admission=a, by=by, **d),
                AdmissionSerializer,
            )
        except NoFreeBed as refusal:
            raise _no_free_bed(refusal) from refusal

    @extend_schema(responses=AssessmentSerializer)
    @action(detail=True)
    def assessment(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Each discharge criterion of the rule in force now, met or not, and why."""
        return Response(discharge_assess(admission=self.get_object()).as_dict())

    @extend_schema(request=DischargeSerializer, responses={200: AdmissionSerializer})
    @action(detail=True, methods=["post"])
    def discharge(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Discharge under the rule in force (409 with the unmet criteria otherwise); a doctor
        may give `override_reason` to discharge anyway, which is audited as an override."""
        incoming = DischargeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        admission = admission_discharge(
            admission=self.get_object(), by=acting_user(request), **incoming.validated_data
        )
        return Response(AdmissionSerializer(admission).data)


class MonitoringViewSet(
    ScopedObjectFirst[PostDischargeMonitoring],
    viewsets.ReadOnlyModelViewSet[PostDischargeMonitoring],
):
    """Health monitoring after discharge (`?all=true` includes completed ones)."""

    serializer_class = MonitoringSerializer
    permission_classes = [ActionCapability]
    filterset_class = f.MonitoringFilterSet
    capabilities = {"checks": "hospitals.monitoring"}

    def get_queryset(self) -> QuerySet[PostDischargeMonitoring]:
        # Completed monitorings too: the list's `all` filter hides them unless asked for.
        return monitoring_list(viewer=self.request.user, active_only=False)

    @extend_schema(request=MonitoringCheckWriteSerializer, responses={201: MonitoringSerializer})
    @action(detail=True, methods=["post"])
    def checks(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One day's temperature and symptoms; a fever or a symptom alerts the jurisdiction."""
        incoming = MonitoringCheckWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        monitoring = self.get_object()
        monitoring_check_record(
            monitoring=monitoring, by=acting_user(request), **incoming.validated_data
        )
        return Response(MonitoringSerializer(monitoring).data, status=status.HTTP_201_CREATED)
