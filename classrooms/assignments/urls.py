from django.urls import path

from classrooms.assignments import gradebook_views, review, views

app_name = "assignments"

urlpatterns = [
    path("new/", views.assignment_new, name="new"),
    path("progress/", gradebook_views.my_progress, name="my_progress"),
    path("<int:assignment_id>/remove/", views.assignment_remove, name="remove"),
    path("<int:assignment_id>/review/", review.review_page, name="review"),
    path("classes/<int:classroom_id>/gradebook/", gradebook_views.gradebook_page, name="gradebook"),
    path("classes/<int:classroom_id>/gradebook.csv", gradebook_views.gradebook_csv, name="gradebook_csv"),
    path("classes/<int:classroom_id>/standards/", gradebook_views.standards_page, name="standards"),
    path("classes/<int:classroom_id>/standards.csv", gradebook_views.standards_csv, name="standards_csv"),
    path(
        "classes/<int:classroom_id>/students/<int:student_id>/",
        gradebook_views.student_page,
        name="student",
    ),
]
