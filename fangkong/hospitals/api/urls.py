"""The hospital API under /api/v1/hospitals/: the hospitals themselves at the root."""

from rest_framework.routers import SimpleRouter

from fangkong.hospitals.api.hospitals import HospitalViewSet
from fangkong.hospitals.api.operations import (
    IncidentViewSet,
    StaffViewSet,
    StockViewSet,
    SupplyItemViewSet,
)
from fangkong.hospitals.api.patients import AdmissionViewSet, MonitoringViewSet

router = SimpleRouter()
router.register("admissions", AdmissionViewSet, basename="hospital-admission")
router.register("monitoring", MonitoringViewSet, basename="hospital-monitoring")
router.register("items", SupplyItemViewSet, basename="hospital-supply-item")
router.register("stocks", StockViewSet, basename="hospital-stock")
router.register("staff", StaffViewSet, basename="hospital-staff")
router.register("incidents", IncidentViewSet, basename="hospital-incident")
router.register("", HospitalViewSet, basename="hospital")

urlpatterns = router.urls
