from fangkong.assist.views import arrivals, intake, requests, tasks

app_name = "assist"

# Each module of views/ lists its own pages.
urlpatterns = [
    *requests.urlpatterns,
    *intake.urlpatterns,
    *tasks.urlpatterns,
    *arrivals.urlpatterns,
]
