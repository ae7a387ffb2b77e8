from django.urls import path

from classrooms import live_views, report_views

app_name = "live"

urlpatterns = [
    path("start/", live_views.start, name="start"),
    path("join/", live_views.join, name="join"),
    path("<int:session_id>/", live_views.student, name="student"),
    path("<int:session_id>/console/", live_views.console, name="console"),
    path("<int:session_id>/slides/<int:index>/", live_views.slide, name="slide"),
    path("<int:session_id>/report/", report_views.report, name="report"),
    path("<int:session_id>/report.csv", report_views.report_csv, name="report_csv"),
]
