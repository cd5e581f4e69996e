from django.urls import path

from fangkong.policy import views

app_name = "policy"

urlpatterns = [
    path("", views.measure_board_page, name="board"),
    path("measure-line/", views.measure_line, name="measure_line"),
]
