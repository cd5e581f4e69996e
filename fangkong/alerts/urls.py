from django.urls import path

from fangkong.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list_page, name="list"),
    path("<int:pk>/", views.alert_detail_page, name="detail"),
    path("<int:pk>/resolve/", views.alert_resolve_action, name="resolve"),
]
