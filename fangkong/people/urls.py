from django.urls import path

from fangkong.people import subject_views, views

app_name = "people"

urlpatterns = [
    path("", views.person_list_page, name="list"),
    path("new/", views.person_create_page, name="create"),
    path("import/", views.person_import_page, name="import"),
    path("export.<str:fmt>", views.person_export, name="export"),
    path("<int:pk>/", views.person_detail_page, name="detail"),
    path("<int:pk>/edit/", views.person_edit_page, name="edit"),
    path("<int:pk>/reveal/", views.person_reveal_page, name="reveal"),
    path("<int:pk>/data.json", subject_views.person_subject_export, name="subject_export"),
]
