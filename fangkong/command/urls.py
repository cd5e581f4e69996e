from django.urls import path

from fangkong.command.views import dashboard, notices, preparedness, reports, screen, tasks, teams

app_name = "command"

urlpatterns = [
    path("", dashboard.dashboard_page, name="dashboard"),
    path("screen/", screen.screen_page, name="screen"),
    path("screen/boundaries.json", screen.screen_boundaries, name="screen_boundaries"),
    path("preparedness/", preparedness.preparedness_page, name="preparedness"),
    path("briefing/", dashboard.briefing_page, name="briefing"),
    path("briefing/<str:day>.<str:fmt>", dashboard.briefing_download, name="briefing_download"),
    path("inbox/", dashboard.inbox_page, name="inbox"),
    path("inbox/read-all/", dashboard.inbox_read_all_action, name="inbox_read_all"),
    path("inbox/<int:pk>/read/", dashboard.inbox_read_action, name="inbox_read"),
    path("notices/", notices.notice_list_page, name="notice_list"),
    path("notices/new/", notices.notice_create_page, name="notice_create"),
    path("notices/measure-line/", notices.notice_measure_line, name="notice_measure_line"),
    path("notices/<int:pk>/", notices.notice_detail_page, name="notice_detail"),
    path("notices/<int:pk>/edit/", notices.notice_edit_page, name="notice_edit"),
    path("notices/<int:pk>/publish/", notices.notice_publish_action, name="notice_publish"),
    path("notices/<int:pk>/read/", notices.notice_read_action, name="notice_read"),
    path("public/notices/", notices.notice_public_list_page, name="notice_public_list"),
    path("public/notices/<int:number>/", notices.notice_public_page, name="notice_public"),
    path("tasks/", tasks.task_list_page, name="task_list"),
    path("tasks/new/", tasks.task_create_page, name="task_create"),
    path("tasks/<int:pk>/", tasks.task_detail_page, name="task_detail"),
    path("tasks/<int:pk>/progress/", tasks.task_progress_action, name="task_progress"),
    path("tasks/<int:pk>/submit/", tasks.task_submit_action, name="task_submit"),
    path("tasks/<int:pk>/accept/", tasks.task_accept_action, name="task_accept"),
    path("tasks/<int:pk>/return/", tasks.task_return_action, name="task_return"),
    path("tasks/<int:pk>/attach/", tasks.task_attach_action, name="task_attach"),
    path("reports/", reports.report_home, name="report_home"),
    path("reports/overview/", reports.report_overview_page, name="report_overview"),
    path("reports/mine/", reports.report_mine_page, name="report_mine"),
    path("reports/zero/", reports.report_zero_action, name="report_zero"),
    path("reports/figures/", reports.report_figures_page, name="report_figures"),
    path("reports/units/<int:pk>/", reports.report_unit_page, name="report_unit"),
    path("teams/", teams.team_list_page, name="team_list"),
    path("rotas/<int:pk>/", teams.rota_detail_page, name="rota_detail"),
    path("rotas/<int:pk>/publish/", teams.rota_publish_action, name="rota_publish"),
    path(
        "rotas/<int:pk>/shifts/<int:shift_pk>/remove/",
        teams.shift_remove_action,
        name="shift_remove",
    ),
]
