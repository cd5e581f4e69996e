from django.urls import path

from fangkong.quarantine.views import health, operations, placements, public, sites

app_name = "quarantine"

urlpatterns = [
    path("", sites.home, name="home"),
    path("schemes/", operations.schemes_page, name="schemes"),
    path("sites/new/", sites.site_create_page, name="site_create"),
    path("sites/<int:pk>/", sites.site_page, name="site"),
    path("sites/<int:pk>/rooms/new/", sites.rooms_create_page, name="rooms_create"),
    path("sites/<int:pk>/floors/<int:floor>/", sites.floor_page, name="floor"),
    path("sites/<int:pk>/floor-plan/", sites.floor_plan_fragment, name="floor_plan"),
    path(
        "sites/<int:pk>/floors/<int:floor>/observations/",
        health.observation_grid,
        name="observation_grid",
    ),
    path("sites/<int:pk>/cards/", sites.site_cards, name="site_cards"),
    path("sites/<int:pk>/missing/", health.missing_page, name="missing"),
    path("sites/<int:pk>/tests/", health.tests_page, name="tests"),
    path("sites/<int:pk>/tests/sampling/", health.sampling_round_action, name="sampling_round"),
    path("sites/<int:pk>/tests/results/", health.results_action, name="results"),
    path("sites/<int:pk>/home-monitoring/", health.home_monitoring_page, name="home_monitoring"),
    path("sites/<int:pk>/batches/", operations.batch_list_page, name="batches"),
    path("sites/<int:pk>/batches/new/", operations.batch_create_page, name="batch_create"),
    path("sites/<int:pk>/reviews/", operations.reviews_page, name="reviews"),
    path(
        "sites/<int:pk>/reviews/<int:person_pk>/restart/",
        operations.reviews_restart_action,
        name="reviews_restart",
    ),
    path(
        "sites/<int:pk>/reviews/flags/<int:flag_pk>/",
        operations.review_flag_action,
        name="review_flag",
    ),
    path("sites/<int:pk>/staff/", operations.staff_page, name="staff"),
    path("sites/<int:pk>/staff/<int:member_pk>/", operations.staff_action, name="staff_action"),
    path("sites/<int:pk>/checklist/", operations.checklist_page, name="checklist"),
    path(
        "sites/<int:pk>/findings/<int:finding_pk>/fix/",
        operations.finding_fix_action,
        name="finding_fix",
    ),
    path("batches/<int:pk>/", operations.batch_page, name="batch"),
    path("rooms/<int:pk>/", sites.room_page, name="room"),
    path("rooms/<int:pk>/service/", sites.room_service_action, name="room_service"),
    path("rooms/<int:pk>/card/", sites.room_card, name="room_card"),
    path("rooms/<int:room_pk>/place/", placements.placement_create_page, name="placement_create"),
    path("placements/<int:pk>/", placements.placement_page, name="placement"),
    path("placements/<int:pk>/release/", placements.release_action, name="release"),
    path("placements/<int:pk>/move/", placements.move_action, name="move"),
    path("placements/<int:pk>/transfer/", placements.transfer_action, name="transfer"),
    path("placements/<int:pk>/depart/", placements.depart_action, name="depart"),
    path("placements/<int:pk>/companion/", placements.companion_action, name="companion"),
    path(
        "placements/<int:pk>/tests/<int:test_pk>/samples/",
        placements.sample_action,
        name="sample",
    ),
    path(
        "placements/<int:pk>/samples/<int:sample_pk>/result/",
        placements.result_action,
        name="result",
    ),
    path("placements/<int:pk>/certificate/", placements.certificate_page, name="certificate"),
    path("r/<str:token>/", public.self_report, name="self_report"),
]
