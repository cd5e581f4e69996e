from django.urls import path

from fangkong.cases.views import cases, chains, contacts, investigations, merge

app_name = "cases"

urlpatterns = [
    path("", cases.case_list_page, name="list"),
    path("new/", cases.case_create_page, name="create"),
    path("overdue/", contacts.overdue_page, name="overdue"),
    path("clusters/", chains.cluster_list_page, name="clusters"),
    path("duplicates/", merge.duplicates_page, name="duplicates"),
    path("merge/<int:kept>/<int:removed>/", merge.merge_page, name="merge"),
    path("rooms/", contacts.free_room_options, name="free_rooms"),
    path("<int:pk>/", cases.case_detail_page, name="detail"),
    path("<int:pk>/edit/", cases.case_edit_page, name="edit"),
    path("<int:pk>/reclassify/", cases.case_reclassify_action, name="reclassify"),
    path("<int:pk>/report/", cases.case_report_action, name="report"),
    path("<int:pk>/trace/", cases.case_trace_action, name="trace"),
    path("<int:pk>/trace/status/", cases.case_trace_status, name="trace_status"),
    path("<int:pk>/cluster/", chains.cluster_page, name="cluster"),
    path("<int:pk>/contacts/", cases.case_contacts_fragment, name="contacts"),
    path("<int:pk>/contacts/bulk/", contacts.contacts_bulk_action, name="contacts_bulk"),
    path("<int:pk>/contacts/export.<str:fmt>", cases.case_contacts_export, name="export"),
    path("<int:pk>/investigation/", investigations.investigation_page, name="investigation"),
    path(
        "<int:pk>/investigation/save/",
        investigations.investigation_save_action,
        name="investigation_save",
    ),
    path(
        "<int:pk>/investigation/itinerary/",
        investigations.itinerary_add_action,
        name="itinerary_add",
    ),
    path(
        "<int:pk>/investigation/itinerary/import/",
        investigations.itinerary_import_action,
        name="itinerary_import",
    ),
    path(
        "<int:pk>/investigation/itinerary/<int:entry>/remove/",
        investigations.itinerary_remove_action,
        name="itinerary_remove",
    ),
    path(
        "<int:pk>/investigation/contacts/",
        investigations.contact_add_action,
        name="contact_add",
    ),
    path("contacts/<int:pk>/", contacts.contact_detail_page, name="contact"),
    path("contacts/<int:pk>/confirm/", contacts.contact_confirm_action, name="contact_confirm"),
    path("contacts/<int:pk>/dismiss/", contacts.contact_dismiss_action, name="contact_dismiss"),
    path("contacts/<int:pk>/notify/", contacts.contact_notify_action, name="contact_notify"),
    path("contacts/<int:pk>/control/", contacts.contact_control_action, name="contact_control"),
    path("contacts/<int:pk>/release/", contacts.contact_release_action, name="contact_release"),
    path("contacts/<int:pk>/place/", contacts.contact_place_page, name="contact_place"),
]
