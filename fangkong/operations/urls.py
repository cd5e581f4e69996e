from django.urls import path

from fangkong.operations import views

app_name = "operations"

urlpatterns = [
    path("", views.work_list, name="work_list"),
    path("<int:pk>/file/", views.work_file, name="work_file"),
]
