from django.urls import path

from classrooms.privacy import views

app_name = "privacy"

urlpatterns = [
    path("students/<int:student_id>/", views.student_page, name="student"),
    path("students/<int:student_id>/export/", views.export_new, name="export_new"),
    path("students/<int:student_id>/erase/", views.erase_page, name="erase"),
    path("exports/<int:export_id>/", views.export_page, name="export"),
    path("exports/<int:export_id>/download", views.export_download, name="download"),
]
