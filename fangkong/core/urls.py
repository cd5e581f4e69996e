from django.urls import path

from fangkong.core import views

app_name = "core"

urlpatterns = [
    path("audit/", views.audit_list_page, name="audit"),
    path("health/", views.health, name="health"),
]
