from fangkong.assist.api import answers, arrivals, intake, tasks

# Each module of api/ lists its own endpoints.
urlpatterns = [
    *intake.urlpatterns,
    *answers.urlpatterns,
    *tasks.urlpatterns,
    *arrivals.urlpatterns,
]
