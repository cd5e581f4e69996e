from django.urls import path  # noqa: F401 - pages are added by this area's issue

app_name = "cases"

urlpatterns: list = []
