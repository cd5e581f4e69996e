from django.urls import path
from rest_framework.routers import DefaultRouter

from fangkong.command.api import views

router = DefaultRouter()
router.register("notices", views.NoticeViewSet, basename="command-notice")
router.register("tasks", views.TaskViewSet, basename="command-task")
router.register("reports/missing", views.MissingReportViewSet, basename="command-missing")
router.register("reports", views.UnitReportViewSet, basename="command-report")
router.register("notifications", views.NotificationViewSet, basename="command-notification")

urlpatterns = [
    path("briefing/", views.BriefingView.as_view(), name="command-briefing"),
    path("on-duty/", views.OnDutyView.as_view(), name="command-on-duty"),
    *router.urls,
]
