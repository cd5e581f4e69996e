from django.urls import path

from fangkong.venues.views import campaigns, inspections, public, registry, tiers

app_name = "venues"

urlpatterns = [
    path("", registry.home, name="home"),
    path("new/", registry.create, name="create"),
    path("import/", registry.import_page, name="import"),
    path("over-limit/", registry.over_limit_page, name="over_limit"),
    path("tiers/", tiers.tiers_page, name="tiers"),
    path("tiers/<int:pk>/", tiers.tier_edit, name="tier_edit"),
    path("<int:pk>/", registry.detail, name="detail"),
    path("<int:pk>/live/", registry.live_fragment, name="live"),
    path("<int:pk>/edit/", registry.edit, name="edit"),
    path("<int:pk>/poster/", registry.poster, name="poster"),
    path("<int:pk>/code/", registry.code_renew, name="code_renew"),
    path("<int:pk>/rooms/", registry.room_add, name="room_add"),
    path("<int:pk>/rooms/<int:room_pk>/remove/", registry.room_remove, name="room_remove"),
    path("<int:pk>/inspect/", inspections.inspect, name="inspect"),
    path("<int:pk>/actions/", inspections.action_issue, name="action_issue"),
    path("<int:pk>/reopen/", inspections.reopen, name="reopen"),
    path("inspections/", inspections.inspection_list_page, name="inspections"),
    path("inspections/mine/", inspections.my_tasks, name="my_tasks"),
    path("inspections/<int:pk>/", inspections.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/photos/", inspections.photo_upload, name="photo_upload"),
    path("photos/<int:pk>/", inspections.photo, name="photo"),
    path("actions/<int:pk>/", inspections.action_detail, name="action"),
    path("actions/<int:pk>/lift/", inspections.lift, name="lift"),
    path("campaigns/", campaigns.campaign_list_page, name="campaigns"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign"),
    path(
        "campaigns/<int:pk>/progress/",
        campaigns.campaign_progress_fragment,
        name="campaign_progress",
    ),
    path("campaigns/<int:pk>/finish/", campaigns.campaign_close, name="campaign_finish"),
    path(
        "campaigns/<int:pk>/targets/<int:target_pk>/assign/",
        campaigns.campaign_assign,
        name="campaign_assign",
    ),
    # The address printed in the QR code of the poster (public, no login).
    path("c/<str:code>/", public.public_checkin, name="public_checkin"),
]
