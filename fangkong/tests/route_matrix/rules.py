"""The authorization design, route by route: the capability each page and API operation needs
and the kind of object it takes. A route missing here fails the matrix test.

`R("cap", "kind")`: roles holding `cap` may use it on objects they reach (their district, or
their site / hospital / venue), answer 404 for objects they do not, and 403 without `cap`.
`R(login=True)`: any signed-in user. `R(public=True)`: no sign-in (public pages).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class R:
    capability: str | None = None
    kind: str | None = None
    login: bool = False
    public: bool = False


PAGES: dict[str, R] = {
    "accounts:home": R("workbench.view"),  #
    "accounts:login": R(public=True),  # login/
    "accounts:logout": R(public=True),  # logout/
    "accounts:workbench": R("workbench.view"),  # workbench/
    "accounts:login_code": R(public=True),  # login/code/
    "accounts:account": R("account.view"),  # account/
    "accounts:password_change": R("account.view"),  # account/password/
    "accounts:mfa_enrol": R("account.view"),  # account/mfa/
    "accounts:mfa_remove": R("account.view"),  # account/mfa/remove/
    "accounts:token_create": R("account.view"),  # account/tokens/
    "accounts:token_revoke": R("account.view", "api_token"),  # account/tokens/<int:pk>/revoke/
    # The API's description holds no personal data; integrators read it before they have a key.
    "api-schema": R(public=True),  # api/schema/
    "api-docs": R(public=True),  # api/docs/
    "set_language": R(public=True),  # i18n/setlang/
    "people:list": R("person.view"),  # persons/
    "people:create": R("person.edit"),  # persons/new/
    "people:import": R("person.import"),  # persons/import/
    "people:export": R("person.export", "export_format"),  # persons/export.<str:fmt>
    "people:detail": R("person.view", "person"),  # persons/<int:pk>/
    "people:edit": R("person.edit", "person"),  # persons/<int:pk>/edit/
    "people:reveal": R("person.view_identifiers", "person"),  # persons/<int:pk>/reveal/
    "people:subject_export": R("person.subject_export", "person"),  # persons/<int:pk>/data.json
    "core:audit": R("audit.view"),  # system/audit/
    "core:health": R(public=True),  # system/health/
    "policy:board": R("policy.view"),  # policy/
    "policy:measure_line": R("policy.manage"),  # policy/measure-line/
    "alerts:list": R("alert.view"),  # alerts/
    "alerts:resolve": R("alert.resolve", "alert"),  # alerts/<int:pk>/resolve/
    "venues:home": R("venue.view"),  # venues/
    "venues:create": R("venue.manage"),  # venues/new/
    "venues:import": R("venue.manage"),  # venues/import/
    "venues:over_limit": R("venue.view"),  # venues/over-limit/
    "venues:tiers": R("venue.view"),  # venues/tiers/
    "venues:tier_edit": R("venue.tiers", "tier"),  # venues/tiers/<int:pk>/
    "venues:detail": R("venue.view", "venue"),  # venues/<int:pk>/
    "venues:live": R("venue.view", "venue"),  # venues/<int:pk>/live/
    "venues:edit": R("venue.manage", "venue"),  # venues/<int:pk>/edit/
    "venues:poster": R("venue.view", "venue"),  # venues/<int:pk>/poster/
    "venues:code_renew": R("venue.manage", "venue"),  # venues/<int:pk>/code/
    "venues:room_add": R("venue.manage", "venue"),  # venues/<int:pk>/rooms/
    "venues:room_remove": R(
        "venue.manage", "venue_room"
    ),  # venues/<int:pk>/rooms/<int:room_pk>/remove/
    "venues:inspect": R("venue.inspect", "venue"),  # venues/<int:pk>/inspect/
    "venues:action_issue": R("venue.close", "venue"),  # venues/<int:pk>/actions/
    "venues:reopen": R("venue.reopen", "venue"),  # venues/<int:pk>/reopen/
    "venues:inspections": R("venue.view"),  # venues/inspections/
    "venues:my_tasks": R("venue.inspect"),  # venues/inspections/mine/
    "venues:inspection": R("venue.view", "venue_inspection"),  # venues/inspections/<int:pk>/
    "venues:photo_upload": R(
        "venue.inspect", "venue_inspection"
    ),  # venues/inspections/<int:pk>/photos/
    "venues:photo": R("venue.view", "venue_photo"),  # venues/photos/<int:pk>/
    "venues:action": R("venue.view", "venue_action"),  # venues/actions/<int:pk>/
    "venues:lift": R("venue.reopen", "venue_action"),  # venues/actions/<int:pk>/lift/
    "venues:campaigns": R("venue.view"),  # venues/campaigns/
    "venues:campaign_create": R("venue.campaign"),  # venues/campaigns/new/
    "venues:campaign": R("venue.view", "campaign"),  # venues/campaigns/<int:pk>/
    "venues:campaign_progress": R("venue.view", "campaign"),  # venues/campaigns/<int:pk>/progress/
    "venues:campaign_finish": R("venue.campaign", "campaign"),  # venues/campaigns/<int:pk>/finish/
    "venues:campaign_assign": R(
        "venue.campaign", "campaign_target"
    ),  # venues/campaigns/<int:pk>/targets/<int:target_pk>/assign/
    "venues:public_checkin": R(public=True, kind="venue_code"),  # venues/c/<str:code>/
    "quarantine:home": R("quarantine.view"),  # quarantine/
    "quarantine:schemes": R("quarantine.view"),  # quarantine/schemes/
    "quarantine:site_create": R("quarantine.manage"),  # quarantine/sites/new/
    "quarantine:site": R("quarantine.view", "site"),  # quarantine/sites/<int:pk>/
    "quarantine:rooms_create": R(
        "quarantine.manage", "site"
    ),  # quarantine/sites/<int:pk>/rooms/new/
    "quarantine:floor": R(
        "quarantine.view", "site_floor"
    ),  # quarantine/sites/<int:pk>/floors/<int:floor>/
    "quarantine:floor_plan": R("quarantine.view", "site"),  # quarantine/sites/<int:pk>/floor-plan/
    "quarantine:observation_grid": R(
        "quarantine.operate", "site_floor"
    ),  # quarantine/sites/<int:pk>/floors/<int:floor>/observations/
    "quarantine:site_cards": R("quarantine.view", "site"),  # quarantine/sites/<int:pk>/cards/
    "quarantine:missing": R("quarantine.view", "site"),  # quarantine/sites/<int:pk>/missing/
    "quarantine:tests": R("quarantine.view", "site"),  # quarantine/sites/<int:pk>/tests/
    "quarantine:sampling_round": R(
        "quarantine.operate", "site"
    ),  # quarantine/sites/<int:pk>/tests/sampling/
    "quarantine:results": R(
        "quarantine.operate", "site"
    ),  # quarantine/sites/<int:pk>/tests/results/
    "quarantine:home_monitoring": R(
        "quarantine.view", "site"
    ),  # quarantine/sites/<int:pk>/home-monitoring/
    "quarantine:batches": R("quarantine.view", "site"),  # quarantine/sites/<int:pk>/batches/
    "quarantine:batch_create": R(
        "quarantine.intake", "site"
    ),  # quarantine/sites/<int:pk>/batches/new/
    "quarantine:reviews": R("quarantine.view", "site"),  # quarantine/sites/<int:pk>/reviews/
    "quarantine:reviews_restart": R(
        "quarantine.operate", "site_review_person"
    ),  # quarantine/sites/<int:pk>/reviews/<int:person_pk>/restart/
    "quarantine:review_flag": R(
        "quarantine.operate", "site_review_flag"
    ),  # quarantine/sites/<int:pk>/reviews/flags/<int:flag_pk>/
    "quarantine:staff": R("quarantine.view", "site"),  # quarantine/sites/<int:pk>/staff/
    "quarantine:staff_action": R(
        "quarantine.operate", "site_staff_member"
    ),  # quarantine/sites/<int:pk>/staff/<int:member_pk>/
    "quarantine:checklist": R("quarantine.view", "site"),  # quarantine/sites/<int:pk>/checklist/
    "quarantine:finding_fix": R(
        "quarantine.fix", "site_finding"
    ),  # quarantine/sites/<int:pk>/findings/<int:finding_pk>/fix/
    "quarantine:batch": R("quarantine.view", "batch"),  # quarantine/batches/<int:pk>/
    "quarantine:room": R("quarantine.view", "room"),  # quarantine/rooms/<int:pk>/
    "quarantine:room_service": R(
        "quarantine.operate", "room"
    ),  # quarantine/rooms/<int:pk>/service/
    "quarantine:room_card": R("quarantine.view", "room"),  # quarantine/rooms/<int:pk>/card/
    "quarantine:placement_create": R(
        "quarantine.operate", "room_place"
    ),  # quarantine/rooms/<int:room_pk>/place/
    "quarantine:placement": R("quarantine.view", "placement"),  # quarantine/placements/<int:pk>/
    "quarantine:release": R(
        "quarantine.operate", "placement"
    ),  # quarantine/placements/<int:pk>/release/
    "quarantine:move": R("quarantine.operate", "placement"),  # quarantine/placements/<int:pk>/move/
    "quarantine:transfer": R(
        "quarantine.operate", "placement"
    ),  # quarantine/placements/<int:pk>/transfer/
    "quarantine:depart": R(
        "quarantine.operate", "placement"
    ),  # quarantine/placements/<int:pk>/depart/
    "quarantine:companion": R(
        "quarantine.operate", "placement"
    ),  # quarantine/placements/<int:pk>/companion/
    "quarantine:sample": R(
        "quarantine.operate", "placement_test"
    ),  # quarantine/placements/<int:pk>/tests/<int:test_pk>/samples/
    "quarantine:result": R(
        "quarantine.operate", "placement_sample"
    ),  # quarantine/placements/<int:pk>/samples/<int:sample_pk>/result/
    "quarantine:certificate": R(
        "quarantine.view", "released_placement"
    ),  # quarantine/placements/<int:pk>/certificate/
    "quarantine:self_report": R(public=True, kind="self_report"),  # quarantine/r/<str:token>/
    "hospitals:home": R("hospitals.view"),  # hospitals/
    "hospitals:overview": R("hospitals.overview"),  # hospitals/overview/
    "hospitals:preparedness": R("hospitals.overview"),  # hospitals/preparedness/
    "hospitals:detail": R("hospitals.view", "hospital"),  # hospitals/<int:pk>/
    "hospitals:status": R("hospitals.manage", "hospital"),  # hospitals/<int:pk>/status/
    "hospitals:beds": R("hospitals.view", "hospital"),  # hospitals/<int:pk>/beds/
    "hospitals:ward_create": R("hospitals.manage", "hospital"),  # hospitals/<int:pk>/wards/new/
    "hospitals:ward_import": R("hospitals.manage", "hospital"),  # hospitals/<int:pk>/wards/import/
    "hospitals:ward": R("hospitals.view", "ward"),  # hospitals/wards/<int:pk>/
    "hospitals:bed_service": R("hospitals.manage", "bed"),  # hospitals/beds/<int:pk>/service/
    "hospitals:patients": R("hospitals.view", "hospital"),  # hospitals/<int:pk>/patients/
    "hospitals:admit": R("hospitals.admit", "hospital"),  # hospitals/<int:pk>/admit/
    "hospitals:admission": R("hospitals.view", "admission"),  # hospitals/admissions/<int:pk>/
    "hospitals:classify": R(
        "hospitals.clinical", "admission"
    ),  # hospitals/admissions/<int:pk>/classify/
    "hospitals:note": R("hospitals.clinical", "admission"),  # hospitals/admissions/<int:pk>/notes/
    "hospitals:test": R("hospitals.clinical", "admission"),  # hospitals/admissions/<int:pk>/tests/
    "hospitals:move": R("hospitals.admit", "admission"),  # hospitals/admissions/<int:pk>/move/
    "hospitals:transfer": R(
        "hospitals.admit", "admission"
    ),  # hospitals/admissions/<int:pk>/transfer/
    "hospitals:discharge": R(
        "hospitals.discharge", "admission"
    ),  # hospitals/admissions/<int:pk>/discharge/
    "hospitals:monitoring": R("hospitals.view", "hospital"),  # hospitals/<int:pk>/monitoring/
    "hospitals:monitoring_check": R(
        "hospitals.monitoring", "monitoring"
    ),  # hospitals/monitoring/<int:pk>/check/
    "hospitals:supplies": R("hospitals.view", "hospital"),  # hospitals/<int:pk>/supplies/
    "hospitals:stock_movement": R(
        "hospitals.supplies", "hospital_supply_kind"
    ),  # hospitals/^(?P<pk>\d+)/supplies/(?P<kind>receipt|issue)/$
    "hospitals:safety_stock": R("hospitals.manage", "hospital"),  # hospitals/<int:pk>/safety-stock/
    "hospitals:staff": R("hospitals.view", "hospital"),  # hospitals/<int:pk>/staff/
    "hospitals:staff_add": R("hospitals.staff", "hospital"),  # hospitals/<int:pk>/staff/new/
    "hospitals:staff_test": R(
        "hospitals.staff", "hospital_staff"
    ),  # hospitals/staff/<int:pk>/test/
    "hospitals:training_add": R("hospitals.staff", "hospital"),  # hospitals/<int:pk>/training/
    "hospitals:incident_new": R(
        "hospitals.incident", "hospital"
    ),  # hospitals/<int:pk>/incidents/new/
    "hospitals:incident": R("hospitals.view", "incident"),  # hospitals/incidents/<int:pk>/
    "cases:list": R("cases.view"),  # cases/
    "cases:create": R("cases.register"),  # cases/new/
    "cases:overdue": R("cases.view"),  # cases/overdue/
    "cases:clusters": R("cases.view"),  # cases/clusters/
    "cases:duplicates": R("person.merge"),  # cases/duplicates/
    "cases:merge": R("person.merge", "merge"),  # cases/merge/<int:kept>/<int:removed>/
    "cases:free_rooms": R("cases.control"),  # cases/rooms/
    "cases:detail": R("cases.view", "case"),  # cases/<int:pk>/
    "cases:edit": R("cases.register", "case"),  # cases/<int:pk>/edit/
    "cases:reclassify": R("cases.register", "case"),  # cases/<int:pk>/reclassify/
    "cases:report": R("cases.register", "case"),  # cases/<int:pk>/report/
    "cases:trace": R("cases.investigate", "case"),  # cases/<int:pk>/trace/
    "cases:trace_status": R("cases.view", "case"),  # cases/<int:pk>/trace/status/
    "cases:cluster": R("cases.view", "case"),  # cases/<int:pk>/cluster/
    "cases:contacts": R("cases.view", "case"),  # cases/<int:pk>/contacts/
    "cases:contacts_bulk": R("cases.investigate", "case"),  # cases/<int:pk>/contacts/bulk/
    "cases:export": R("cases.export", "case_export"),  # cases/<int:pk>/contacts/export.<str:fmt>
    "cases:investigation": R("cases.view", "case"),  # cases/<int:pk>/investigation/
    "cases:investigation_save": R(
        "cases.investigate", "case"
    ),  # cases/<int:pk>/investigation/save/
    "cases:itinerary_add": R(
        "cases.investigate", "case"
    ),  # cases/<int:pk>/investigation/itinerary/
    "cases:itinerary_import": R(
        "cases.investigate", "case"
    ),  # cases/<int:pk>/investigation/itinerary/import/
    "cases:itinerary_remove": R(
        "cases.investigate", "case_entry"
    ),  # cases/<int:pk>/investigation/itinerary/<int:entry>/remove/
    "cases:contact_add": R("cases.investigate", "case"),  # cases/<int:pk>/investigation/contacts/
    "cases:contact": R("cases.view", "contact"),  # cases/contacts/<int:pk>/
    "cases:contact_confirm": R("cases.investigate", "contact"),  # cases/contacts/<int:pk>/confirm/
    "cases:contact_dismiss": R("cases.investigate", "contact"),  # cases/contacts/<int:pk>/dismiss/
    "cases:contact_notify": R("cases.control", "contact"),  # cases/contacts/<int:pk>/notify/
    "cases:contact_control": R("cases.control", "contact"),  # cases/contacts/<int:pk>/control/
    "cases:contact_release": R("cases.control", "contact"),  # cases/contacts/<int:pk>/release/
    "cases:contact_place": R("cases.control", "contact"),  # cases/contacts/<int:pk>/place/
    "operations:work_list": R("account.view"),  # work/
    "operations:work_file": R("account.view", "background_work"),  # work/<int:pk>/file/
    "command:dashboard": R("command.dashboard"),  # command/
    "command:preparedness": R("command.dashboard"),  # command/preparedness/
    "command:screen": R("command.dashboard"),  # command/screen/
    "command:screen_boundaries": R("command.dashboard"),  # command/screen/boundaries.json
    "command:briefing": R("briefing.view"),  # command/briefing/
    "command:briefing_download": R(
        "briefing.view", "briefing_day"
    ),  # command/briefing/<str:day>.<str:fmt>
    "command:inbox": R("notification.view"),  # command/inbox/
    "command:inbox_read_all": R("notification.view"),  # command/inbox/read-all/
    "command:inbox_read": R("notification.view", "notification"),  # command/inbox/<int:pk>/read/
    "command:notice_list": R("notice.view"),  # command/notices/
    "command:notice_create": R("notice.manage"),  # command/notices/new/
    "command:notice_measure_line": R("notice.manage"),  # command/notices/measure-line/
    "command:notice_detail": R("notice.view", "notice"),  # command/notices/<int:pk>/
    "command:notice_edit": R("notice.manage", "notice"),  # command/notices/<int:pk>/edit/
    "command:notice_publish": R("notice.manage", "notice"),  # command/notices/<int:pk>/publish/
    "command:notice_read": R("notice.view", "notice"),  # command/notices/<int:pk>/read/
    "command:notice_public_list": R(public=True),  # command/public/notices/
    "command:notice_public": R(
        public=True, kind="notice_number"
    ),  # command/public/notices/<int:number>/
    "command:task_list": R("task.view"),  # command/tasks/
    "command:task_create": R("task.issue"),  # command/tasks/new/
    "command:task_detail": R("task.view", "task"),  # command/tasks/<int:pk>/
    "command:task_progress": R("task.work", "task"),  # command/tasks/<int:pk>/progress/
    "command:task_submit": R("task.work", "task"),  # command/tasks/<int:pk>/submit/
    "command:task_accept": R("task.view", "task"),  # command/tasks/<int:pk>/accept/
    "command:task_return": R("task.view", "task"),  # command/tasks/<int:pk>/return/
    "command:task_attach": R("task.view", "task"),  # command/tasks/<int:pk>/attach/
    "command:report_home": R("report.home"),  # command/reports/
    "command:report_overview": R("report.view"),  # command/reports/overview/
    "command:report_mine": R("report.submit"),  # command/reports/mine/
    "command:report_zero": R("report.submit"),  # command/reports/zero/
    "command:report_figures": R("report.manage"),  # command/reports/figures/
    "command:report_unit": R("report.view", "report_unit"),  # command/reports/units/<int:pk>/
    "command:team_list": R("team.view"),  # command/teams/
    "command:rota_detail": R("team.view", "rota"),  # command/rotas/<int:pk>/
    "command:rota_publish": R("team.manage", "rota"),  # command/rotas/<int:pk>/publish/
    "command:shift_remove": R(
        "team.manage", "rota_shift"
    ),  # command/rotas/<int:pk>/shifts/<int:shift_pk>/remove/
    "assist:home": R("assist.view"),  # assist/
    "assist:request_detail": R("assist.view", "assist_request"),  # assist/requests/<int:pk>/
    "assist:request_file": R("assist.view", "assist_request"),  # assist/requests/<int:pk>/file.xlsx
    "assist:request_answer": R(
        "assist.manage", "assist_request"
    ),  # assist/requests/<int:pk>/answer/
    "assist:request_review": R("assist.manage", "assist_draft"),  # assist/requests/<int:pk>/review/
    "assist:row_withdraw": R(
        "assist.manage", "assist_draft_row"
    ),  # assist/requests/<int:pk>/rows/<int:row>/withdraw/
    "assist:request_send": R("assist.manage", "assist_draft"),  # assist/requests/<int:pk>/send/
    "assist:request_reply": R("assist.manage", "assist_request"),  # assist/requests/<int:pk>/reply/
    "assist:task_list": R("assist.view"),  # assist/tasks/
    "assist:task_rooms": R("assist.verify"),  # assist/tasks/rooms/
    "assist:task": R("assist.view", "verification_task"),  # assist/tasks/<int:pk>/
    "assist:task_record": R("assist.verify", "verification_task"),  # assist/tasks/<int:pk>/record/
    "assist:risk_area_list": R("assist.view"),  # assist/risk-areas/
    "assist:risk_area_create": R("assist.risk_areas"),  # assist/risk-areas/new/
    "assist:risk_area_import": R("assist.risk_areas"),  # assist/risk-areas/import/
    "assist:risk_area_end": R("assist.risk_areas", "risk_area"),  # assist/risk-areas/<int:pk>/end/
    "assist:arrival_list": R("assist.view"),  # assist/arrivals/
    "assist:arrival_poster": R("assist.view"),  # assist/arrivals/poster/
    "assist:arrival_public": R(public=True),  # assist/public/arrival/
    "assist:arrival_thanks": R(public=True),  # assist/public/arrival/thanks/
    "assist:intake": R("assist.manage"),  # assist/incoming/new/
    "assist:manual_queue": R("assist.manage"),  # assist/manual-queue/
    "assist:row_identify": R("assist.manage", "assist_manual_row"),  # assist/manual-queue/<int:pk>/
    "alerts:detail": R("alert.view", "alert"),  # alerts/<int:pk>/
}


API: dict[str, R] = {
    "GET /api/v1/alerts/": R("alert.view"),
    "GET /api/v1/alerts/{id}/": R("alert.view", "alert"),
    "POST /api/v1/alerts/{id}/resolve/": R("alert.resolve", "alert"),
    "GET /api/v1/audit/": R("audit.view"),
    "GET /api/v1/audit/{id}/": R("audit.view", "audit"),
    "POST /api/v1/auth/token/": R(public=True),
    "GET /api/v1/me/": R(login=True),
    "GET /api/v1/cases/": R("cases.view"),
    "POST /api/v1/cases/": R("cases.register"),
    "GET /api/v1/cases/{id}/": R("cases.view", "case"),
    "POST /api/v1/cases/{id}/reclassify/": R("cases.register", "case"),
    "POST /api/v1/cases/{id}/report/": R("cases.register", "case"),
    "POST /api/v1/cases/{id}/trace/": R("cases.register", "case"),
    "GET /api/v1/cases/contacts/": R("cases.view"),
    "POST /api/v1/cases/contacts/": R("cases.investigate"),
    "GET /api/v1/cases/contacts/{id}/": R("cases.view", "contact"),
    "POST /api/v1/cases/contacts/{id}/confirm/": R("cases.investigate", "contact"),
    "POST /api/v1/cases/contacts/{id}/control/": R("cases.investigate", "contact"),
    "POST /api/v1/cases/contacts/{id}/dismiss/": R("cases.investigate", "contact"),
    "POST /api/v1/cases/contacts/{id}/notify/": R("cases.investigate", "contact"),
    "POST /api/v1/cases/contacts/{id}/release/": R("cases.investigate", "contact"),
    "GET /api/v1/cases/figures/": R("cases.view"),
    "GET /api/v1/cases/investigations/": R("cases.view"),
    "GET /api/v1/cases/investigations/{id}/": R("cases.view", "investigation"),
    "POST /api/v1/cases/investigations/{id}/conclude/": R("cases.investigate", "investigation"),
    "POST /api/v1/cases/investigations/{id}/itinerary/": R("cases.investigate", "investigation"),
    "GET /api/v1/cases/trace-requests/": R("cases.view"),
    "GET /api/v1/cases/trace-requests/{id}/": R("cases.view", "trace_request"),
    "GET /api/v1/cases/trace-runs/": R("cases.view"),
    "GET /api/v1/cases/trace-runs/{id}/": R("cases.view", "trace_run"),
    "GET /api/v1/command/briefing/": R("briefing.view"),
    "GET /api/v1/command/forecast/": R("command.dashboard"),
    "GET /api/v1/command/screen/map/": R("command.dashboard"),
    "GET /api/v1/command/screen/cases/": R("command.dashboard"),
    "GET /api/v1/command/screen/contacts/": R("command.dashboard"),
    "GET /api/v1/command/screen/quarantine/": R("command.dashboard"),
    "GET /api/v1/command/screen/beds/": R("command.dashboard"),
    "GET /api/v1/command/screen/venues/": R("command.dashboard"),
    "GET /api/v1/command/screen/reports/": R("command.dashboard"),
    "GET /api/v1/command/screen/feed/": R("command.dashboard"),
    "GET /api/v1/command/notices/": R("notice.view"),
    "POST /api/v1/command/notices/": R("notice.manage"),
    "GET /api/v1/command/notices/{id}/": R("notice.view", "notice"),
    "POST /api/v1/command/notices/{id}/publish/": R("notice.manage", "notice"),
    "POST /api/v1/command/notices/{id}/read/": R("notice.view", "notice"),
    "GET /api/v1/command/notifications/": R("notification.view"),
    "POST /api/v1/command/notifications/{id}/read/": R("notification.view", "notification"),
    "GET /api/v1/command/on-duty/": R("team.view"),
    "GET /api/v1/command/reports/": R("report.home"),
    "POST /api/v1/command/reports/": R("report.submit"),
    "GET /api/v1/command/reports/{id}/": R("report.home", "report"),
    "GET /api/v1/command/reports/missing/": R("report.view"),
    "GET /api/v1/command/reports/missing/{id}/": R("report.view", "missing"),
    "POST /api/v1/command/reports/zero/": R("report.submit"),
    "GET /api/v1/command/reports/template/": R("report.home"),
    "GET /api/v1/command/report-figures/": R("report.home"),
    "POST /api/v1/command/report-figures/": R("report.manage"),
    "GET /api/v1/command/report-figures/{id}/": R("report.home", "report_figure"),
    "GET /api/v1/command/teams/": R("team.view"),
    "POST /api/v1/command/teams/": R("team.manage"),
    "GET /api/v1/command/teams/{id}/": R("team.view", "team"),
    "POST /api/v1/command/teams/{id}/members/": R("team.manage", "team"),
    "GET /api/v1/command/rotas/": R("team.view"),
    "POST /api/v1/command/rotas/": R("team.manage"),
    "GET /api/v1/command/rotas/{id}/": R("team.view", "rota"),
    "POST /api/v1/command/rotas/{id}/publish/": R("team.manage", "rota"),
    "GET /api/v1/command/shifts/": R("team.view"),
    "POST /api/v1/command/shifts/": R("team.manage"),
    "GET /api/v1/command/shifts/{id}/": R("team.view", "shift"),
    "PUT /api/v1/command/shifts/{id}/": R("team.manage", "shift"),
    "DELETE /api/v1/command/shifts/{id}/": R("team.manage", "shift"),
    "GET /api/v1/command/tasks/": R("task.view"),
    "POST /api/v1/command/tasks/": R("task.issue"),
    "GET /api/v1/command/tasks/{id}/": R("task.view", "task"),
    "POST /api/v1/command/tasks/{id}/accept/": R("task.work", "task"),
    "POST /api/v1/command/tasks/{id}/progress/": R("task.work", "task"),
    "POST /api/v1/command/tasks/{id}/return/": R("task.work", "task"),
    "POST /api/v1/command/tasks/{id}/submit/": R("task.work", "task"),
    "GET /api/v1/hospitals/": R("hospitals.view"),
    "GET /api/v1/hospitals/{id}/": R("hospitals.view", "hospital"),
    "GET /api/v1/hospitals/{id}/awaiting/cases/": R("hospitals.admit", "hospital"),
    "GET /api/v1/hospitals/{id}/awaiting/transfers/": R("hospitals.admit", "hospital"),
    "GET /api/v1/hospitals/{id}/beds/": R("hospitals.view", "hospital"),
    "GET /api/v1/hospitals/{id}/figures/": R("hospitals.view", "hospital"),
    "POST /api/v1/hospitals/{id}/status/": R("hospitals.manage", "hospital"),
    "GET /api/v1/hospitals/admissions/": R("hospitals.view"),
    "POST /api/v1/hospitals/admissions/": R("hospitals.admit"),
    "GET /api/v1/hospitals/admissions/{id}/": R("hospitals.view", "admission"),
    "GET /api/v1/hospitals/admissions/{id}/assessment/": R("hospitals.view", "admission"),
    "POST /api/v1/hospitals/admissions/{id}/classify/": R("hospitals.clinical", "admission"),
    "POST /api/v1/hospitals/admissions/{id}/discharge/": R("hospitals.discharge", "admission"),
    "POST /api/v1/hospitals/admissions/{id}/move/": R("hospitals.admit", "admission"),
    "POST /api/v1/hospitals/admissions/{id}/notes/": R("hospitals.clinical", "admission"),
    "POST /api/v1/hospitals/admissions/{id}/tests/": R("hospitals.clinical", "admission"),
    "POST /api/v1/hospitals/admissions/{id}/transfer/": R("hospitals.admit", "admission"),
    "GET /api/v1/hospitals/incidents/": R("hospitals.view"),
    "POST /api/v1/hospitals/incidents/": R("hospitals.incident"),
    "GET /api/v1/hospitals/incidents/{id}/": R("hospitals.view", "incident"),
    "POST /api/v1/hospitals/incidents/{id}/close/": R("hospitals.incident", "incident"),
    "GET /api/v1/hospitals/items/": R("hospitals.view"),
    "GET /api/v1/hospitals/items/{id}/": R("hospitals.view", "item"),
    "GET /api/v1/hospitals/monitoring/": R("hospitals.view"),
    "GET /api/v1/hospitals/monitoring/{id}/": R("hospitals.view", "monitoring"),
    "POST /api/v1/hospitals/monitoring/{id}/checks/": R("hospitals.monitoring", "monitoring"),
    "GET /api/v1/hospitals/overview/": R("hospitals.overview"),
    "GET /api/v1/hospitals/preparedness/": R("hospitals.overview"),
    "GET /api/v1/hospitals/staff/": R("hospitals.view"),
    "GET /api/v1/hospitals/staff/{id}/": R("hospitals.view", "hospital_staff"),
    "POST /api/v1/hospitals/staff/{id}/closed-loop/": R("hospitals.staff", "hospital_staff"),
    "POST /api/v1/hospitals/staff/{id}/tests/": R("hospitals.staff", "hospital_staff"),
    "GET /api/v1/hospitals/stocks/": R("hospitals.view"),
    "GET /api/v1/hospitals/stocks/{id}/": R("hospitals.view", "stock"),
    "POST /api/v1/hospitals/stocks/issues/": R("hospitals.supplies"),
    "POST /api/v1/hospitals/stocks/receipts/": R("hospitals.supplies"),
    "POST /api/v1/hospitals/stocks/safety/": R("hospitals.manage"),
    "GET /api/v1/jurisdictions/": R("jurisdiction.view"),
    "GET /api/v1/jurisdictions/{id}/": R("jurisdiction.view", "jurisdiction"),
    "GET /api/v1/persons/": R("person.view"),
    "POST /api/v1/persons/": R("person.edit"),
    "GET /api/v1/persons/{id}/": R("person.view", "person"),
    "GET /api/v1/policy/measures/": R("policy.view"),
    "GET /api/v1/quarantine/batches/": R("quarantine.view"),
    "POST /api/v1/quarantine/batches/": R("quarantine.intake"),
    "GET /api/v1/quarantine/batches/{id}/": R("quarantine.view", "batch"),
    "POST /api/v1/quarantine/batches/import/": R("quarantine.intake"),
    "GET /api/v1/quarantine/findings/": R("quarantine.view"),
    "GET /api/v1/quarantine/findings/{id}/": R("quarantine.view", "finding"),
    "POST /api/v1/quarantine/findings/{id}/fix/": R("quarantine.fix", "finding"),
    "POST /api/v1/quarantine/findings/inspect/": R("quarantine.inspect"),
    "GET /api/v1/quarantine/placements/": R("quarantine.view"),
    "POST /api/v1/quarantine/placements/": R("quarantine.operate"),
    "GET /api/v1/quarantine/placements/{id}/": R("quarantine.view", "placement"),
    "POST /api/v1/quarantine/placements/{id}/companion/": R("quarantine.operate", "placement"),
    "POST /api/v1/quarantine/placements/{id}/move/": R("quarantine.operate", "placement"),
    "POST /api/v1/quarantine/placements/{id}/observations/": R("quarantine.operate", "placement"),
    "POST /api/v1/quarantine/placements/{id}/release/": R("quarantine.operate", "placement"),
    "POST /api/v1/quarantine/placements/{id}/transfer/": R("quarantine.operate", "placement"),
    "GET /api/v1/quarantine/review-flags/": R("quarantine.view"),
    "GET /api/v1/quarantine/review-flags/{id}/": R("quarantine.view", "review_flag"),
    "POST /api/v1/quarantine/review-flags/{id}/dismiss/": R("quarantine.operate", "review_flag"),
    "POST /api/v1/quarantine/review-flags/{id}/upgrade/": R("quarantine.operate", "review_flag"),
    "POST /api/v1/quarantine/review-flags/restart/": R("quarantine.operate"),
    "GET /api/v1/quarantine/rooms/": R("quarantine.view"),
    "GET /api/v1/quarantine/rooms/{id}/": R("quarantine.view", "room"),
    "GET /api/v1/quarantine/samples/{id}/": R("quarantine.view", "sample"),
    "POST /api/v1/quarantine/samples/{id}/result/": R("quarantine.operate", "sample"),
    "GET /api/v1/quarantine/schemes/": R("quarantine.view"),
    "GET /api/v1/quarantine/schemes/{id}/": R("quarantine.view", "scheme"),
    "GET /api/v1/quarantine/sites/": R("quarantine.view"),
    "POST /api/v1/quarantine/sites/": R("quarantine.manage"),
    "GET /api/v1/quarantine/sites/{id}/": R("quarantine.view", "site"),
    "GET /api/v1/quarantine/sites/{id}/figures/": R("quarantine.view", "site"),
    "GET /api/v1/quarantine/sites/{id}/missing/": R("quarantine.view", "site"),
    "POST /api/v1/quarantine/sites/{id}/rooms/": R("quarantine.manage", "site"),
    "GET /api/v1/quarantine/sites/figures/": R("quarantine.view"),
    "GET /api/v1/quarantine/staff/": R("quarantine.view"),
    "POST /api/v1/quarantine/staff/": R("quarantine.operate"),
    "GET /api/v1/quarantine/staff/{id}/": R("quarantine.view", "site_staff"),
    "POST /api/v1/quarantine/staff/{id}/rotate-out/": R("quarantine.operate", "site_staff"),
    "POST /api/v1/quarantine/staff/{id}/tests/": R("quarantine.operate", "site_staff"),
    "GET /api/v1/quarantine/tests/": R("quarantine.view"),
    "GET /api/v1/quarantine/tests/{id}/": R("quarantine.view", "quarantine_test"),
    "POST /api/v1/quarantine/tests/{id}/samples/": R("quarantine.operate", "quarantine_test"),
    "GET /api/v1/quarantine/transfers/": R("quarantine.view"),
    "GET /api/v1/quarantine/transfers/{id}/": R("quarantine.view", "transfer"),
    "POST /api/v1/quarantine/transfers/{id}/depart/": R("quarantine.operate", "transfer"),
    "GET /api/v1/specimens/": R("specimen.view"),
    "GET /api/v1/units/": R("jurisdiction.view"),
    "GET /api/v1/units/{id}/": R("jurisdiction.view", "unit"),
    "GET /api/v1/venues/": R("venue.view"),
    "POST /api/v1/venues/": R("venue.manage"),
    "GET /api/v1/venues/{id}/": R("venue.view", "venue"),
    "GET /api/v1/venues/{id}/occupancy/": R("venue.view", "venue"),
    "GET /api/v1/venues/actions/": R("venue.view"),
    "GET /api/v1/venues/actions/{id}/": R("venue.view", "venue_action"),
    "GET /api/v1/venues/campaigns/": R("venue.view"),
    "GET /api/v1/venues/campaigns/{id}/": R("venue.view", "campaign"),
    "POST /api/v1/venues/checkins/ingest/": R("checkin.ingest"),
    "GET /api/v1/venues/figures/": R("venue.view"),
    "GET /api/v1/venues/inspections/": R("venue.view"),
    "GET /api/v1/venues/inspections/{id}/": R("venue.view", "venue_inspection"),
    "GET /api/v1/venues/over-limit/": R("venue.view"),
    "GET /api/v1/venues/tiers/": R("venue.view"),
    "GET /api/v1/webhooks/deliveries/": R("webhook.manage"),
    "GET /api/v1/webhooks/deliveries/{id}/": R("webhook.manage", "webhook_delivery"),
    "POST /api/v1/webhooks/deliveries/{id}/redeliver/": R("webhook.manage", "webhook_delivery"),
    "GET /api/v1/webhooks/subscriptions/": R("webhook.manage"),
    "POST /api/v1/webhooks/subscriptions/": R("webhook.manage"),
    "GET /api/v1/webhooks/subscriptions/{id}/": R("webhook.manage", "webhook_subscription"),
    "PATCH /api/v1/webhooks/subscriptions/{id}/": R("webhook.manage", "webhook_subscription"),
    "PUT /api/v1/webhooks/subscriptions/{id}/": R("webhook.manage", "webhook_subscription"),
    "POST /api/v1/webhooks/subscriptions/{id}/deactivate/": R(
        "webhook.manage", "webhook_subscription"
    ),
    "POST /api/v1/webhooks/subscriptions/{id}/rotate-secret/": R(
        "webhook.manage", "webhook_subscription"
    ),
    "POST /api/v1/venues/inspections/": R("venue.inspect"),
    "POST /api/v1/venues/inspections/{id}/photos/": R("venue.inspect", "venue_inspection"),
    "POST /api/v1/venues/actions/": R("venue.close"),
    "POST /api/v1/venues/actions/{id}/lift/": R("venue.reopen", "venue_action"),
    "POST /api/v1/venues/{id}/reopen/": R("venue.reopen", "venue"),
    "POST /api/v1/venues/checkins/live/": R("checkin.live"),
    "GET /api/v1/assist/arrival-reports/": R("assist.view"),
    "GET /api/v1/assist/arrival-reports/{id}/": R("assist.view", "arrival_report"),
    "POST /api/v1/assist/incoming/": R("assist.manage"),
    "POST /api/v1/assist/incoming/import/": R("assist.manage"),
    "GET /api/v1/assist/manual-queue/": R("assist.manage"),
    "POST /api/v1/assist/manual-queue/{id}/identify/": R("assist.manage", "assist_manual_row"),
    "GET /api/v1/assist/requests/": R("assist.view"),
    "GET /api/v1/assist/requests/{id}/": R("assist.view", "assist_request"),
    "POST /api/v1/assist/requests/{id}/answer/": R("assist.manage", "assist_request"),
    "GET /api/v1/assist/requests/{id}/file/": R("assist.view", "assist_request"),
    "POST /api/v1/assist/requests/{id}/reply/": R("assist.manage", "assist_request"),
    "POST /api/v1/assist/requests/{id}/send/": R("assist.manage", "assist_draft"),
    "GET /api/v1/assist/risk-areas/": R("assist.view"),
    "POST /api/v1/assist/risk-areas/": R("assist.risk_areas"),
    "GET /api/v1/assist/risk-areas/{id}/": R("assist.view", "risk_area"),
    "POST /api/v1/assist/risk-areas/{id}/end/": R("assist.risk_areas", "risk_area"),
    "POST /api/v1/assist/risk-areas/import/": R("assist.risk_areas"),
    "GET /api/v1/assist/rows/": R("assist.view"),
    "GET /api/v1/assist/rows/{id}/": R("assist.view", "assist_row"),
    "GET /api/v1/assist/tasks/": R("assist.view"),
    "GET /api/v1/assist/tasks/{id}/": R("assist.view", "verification_task"),
    "POST /api/v1/assist/tasks/{id}/record/": R("assist.verify", "verification_task"),
}
