from fangkong.assist.views import arrivals, requests, tasks

app_name = "assist"

# Each module of views/ lists its own pages.
urlpatterns = [*requests.urlpatterns, *tasks.urlpatterns, *arrivals.urlpatterns]
