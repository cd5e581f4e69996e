from rest_framework.routers import SimpleRouter

from fangkong.cases.api.views import (
    CaseViewSet,
    ContactViewSet,
    InvestigationViewSet,
    TraceRequestViewSet,
    TraceRunViewSet,
)

router = SimpleRouter()
router.register("contacts", ContactViewSet, basename="cases-contact")
router.register("investigations", InvestigationViewSet, basename="cases-investigation")
router.register("trace-runs", TraceRunViewSet, basename="cases-trace-run")
router.register("trace-requests", TraceRequestViewSet, basename="cases-trace-request")
router.register("", CaseViewSet, basename="cases-case")

urlpatterns = router.urls
