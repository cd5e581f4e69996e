"""Finding the record a request names, or answering 404 when the viewer may not see it."""

from __future__ import annotations

from django.http import Http404

from fangkong.accounts.http import AuthenticatedRequest
from fangkong.hospitals.models import Admission, Hospital, PostDischargeMonitoring, Ward
from fangkong.hospitals.selectors.hospitals import hospital_get, ward_get
from fangkong.hospitals.selectors.patients import admission_get, monitoring_get


def hospital_or_404(request: AuthenticatedRequest, pk: int) -> Hospital:
    try:
        return hospital_get(viewer=request.user, pk=pk)
    except Hospital.DoesNotExist as error:
        raise Http404 from error


def ward_or_404(request: AuthenticatedRequest, pk: int) -> Ward:
    try:
        return ward_get(viewer=request.user, pk=pk)
    except Ward.DoesNotExist as error:
        raise Http404 from error


def admission_or_404(request: AuthenticatedRequest, pk: int) -> Admission:
    try:
        return admission_get(viewer=request.user, pk=pk)
    except Admission.DoesNotExist as error:
        raise Http404 from error


def monitoring_or_404(request: AuthenticatedRequest, pk: int) -> PostDischargeMonitoring:
    try:
        return monitoring_get(viewer=request.user, pk=pk)
    except PostDischargeMonitoring.DoesNotExist as error:
        raise Http404 from error
