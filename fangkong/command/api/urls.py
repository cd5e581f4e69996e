from django.urls import path
from rest_framework.routers import DefaultRouter

from fangkong.command.api import briefing, forecast, reports, screen, teams, views

router = DefaultRouter()
router.register("notices", views.NoticeViewSet, basename="command-notice")
router.register("tasks", views.TaskViewSet, basename="command-task")
router.register("reports/missing", reports.MissingReportViewSet, basename="command-missing")
router.register("reports", reports.UnitReportViewSet, basename="command-report")
router.register("report-figures", reports.ReportFigureViewSet, basename="command-report-figure")
router.register("notifications", views.NotificationViewSet, basename="command-notification")
router.register("teams", teams.TeamViewSet, basename="command-team")
router.register("rotas", teams.RotaViewSet, basename="command-rota")
router.register("shifts", teams.ShiftViewSet, basename="command-shift")

urlpatterns = [
    path("briefing/", briefing.BriefingView.as_view(), name="command-briefing"),
    path("on-duty/", teams.OnDutyView.as_view(), name="command-on-duty"),
    path("forecast/", forecast.ForecastView.as_view(), name="command-forecast"),
    *(
        path(f"screen/{name}/", view.as_view(), name=f"command-screen-{name}")
        for name, view in screen.SCREEN_PANELS.items()
    ),
    *router.urls,
]
