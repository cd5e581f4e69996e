from rest_framework.routers import DefaultRouter

from fangkong.quarantine.api import operations, views

router = DefaultRouter()
router.register("sites", views.SiteViewSet, basename="quarantine-site")
router.register("rooms", views.RoomViewSet, basename="quarantine-room")
router.register("placements", views.PlacementViewSet, basename="quarantine-placement")
router.register("tests", views.NucleicAcidTestViewSet, basename="quarantine-test")
router.register("samples", views.SampleViewSet, basename="quarantine-sample")
router.register("schemes", views.SchemeViewSet, basename="quarantine-scheme")
router.register("batches", operations.BatchViewSet, basename="quarantine-batch")
router.register("transfers", operations.TransferViewSet, basename="quarantine-transfer")
router.register("review-flags", operations.ReviewFlagViewSet, basename="quarantine-review-flag")
router.register("staff", operations.StaffViewSet, basename="quarantine-staff")
router.register("findings", operations.FindingViewSet, basename="quarantine-finding")

urlpatterns = router.urls
