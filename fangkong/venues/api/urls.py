from django.urls import path
from rest_framework.routers import SimpleRouter

from fangkong.venues.api import checkins, enforcement, views

router = SimpleRouter()
router.register("inspections", enforcement.InspectionViewSet, basename="venue-inspection")
router.register("actions", enforcement.EnforcementActionViewSet, basename="venue-action")
router.register("campaigns", views.CampaignViewSet, basename="venue-campaign")
# The area's root lists the venues themselves: /api/v1/venues/ and /api/v1/venues/{id}/.
router.register("", views.VenueViewSet, basename="venue")

urlpatterns = [
    path("figures/", views.FiguresView.as_view(), name="venue-figures"),
    path("over-limit/", views.OverLimitView.as_view(), name="venue-over-limit"),
    path("tiers/", views.TiersView.as_view(), name="venue-tiers"),
    path("checkins/ingest/", checkins.CheckInIngestView.as_view(), name="checkin-ingest"),
    path("checkins/live/", checkins.LiveCheckInView.as_view(), name="checkin-live"),
    *router.urls,
]
