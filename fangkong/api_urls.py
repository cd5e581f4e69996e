"""The API under /api/v1/: foundations here, each area under /api/v1/<area>/."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from fangkong.accounts.api.me import MeView
from fangkong.accounts.api.views import TokenView
from fangkong.alerts.api.views import AlertViewSet
from fangkong.core.api.views import AuditEventViewSet
from fangkong.jurisdictions.api.views import JurisdictionViewSet, ResponsibleUnitViewSet
from fangkong.people.api.views import PersonViewSet
from fangkong.policy.api.views import MeasuresInForceView
from fangkong.specimens.api.views import SpecimenViewSet

router = DefaultRouter()
router.register("persons", PersonViewSet, basename="person")
router.register("jurisdictions", JurisdictionViewSet, basename="jurisdiction")
router.register("units", ResponsibleUnitViewSet, basename="unit")
router.register("audit", AuditEventViewSet, basename="audit")
router.register("alerts", AlertViewSet, basename="alert")
router.register("specimens", SpecimenViewSet, basename="specimen")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("me/", MeView.as_view(), name="me"),
    path("policy/measures/", MeasuresInForceView.as_view(), name="measures-in-force"),
    path("venues/", include("fangkong.venues.api.urls")),
    path("quarantine/", include("fangkong.quarantine.api.urls")),
    path("hospitals/", include("fangkong.hospitals.api.urls")),
    path("cases/", include("fangkong.cases.api.urls")),
    path("assist/", include("fangkong.assist.api.urls")),
    path("command/", include("fangkong.command.api.urls")),
    path("webhooks/", include("fangkong.webhooks.api.urls")),
    *router.urls,
]
