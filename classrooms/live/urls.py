from django.urls import path

from classrooms.live import report_views, views

app_name = "live"

urlpatterns = [
    path("start/", views.start, name="start"),
    path("join/", views.join, name="join"),
    path("<int:session_id>/", views.student, name="student"),
    path("<int:session_id>/console/", views.console, name="console"),
    path("<int:session_id>/present/", views.present, name="present"),
    path("<int:session_id>/slides/", views.slide_list, name="slide_list"),
    path("<int:session_id>/slides/<int:index>/", views.slide, name="slide"),
    path("<int:session_id>/report/", report_views.report, name="report"),
    path("<int:session_id>/report.csv", report_views.report_csv, name="report_csv"),
]
