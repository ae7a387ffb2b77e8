from django.urls import path

from classrooms.assignments import views

app_name = "assignments"

urlpatterns = [
    path("new/", views.assignment_new, name="new"),
    path("<int:assignment_id>/remove/", views.assignment_remove, name="remove"),
]
