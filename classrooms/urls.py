from django.urls import path

from classrooms import views

app_name = "classrooms"

urlpatterns = [
    path("new/", views.classroom_new, name="new"),
    path("join/", views.join, name="join"),
    path("live-check/", views.live_check, name="live_check"),
    path("<int:classroom_id>/", views.classroom_detail, name="detail"),
    path("<int:classroom_id>/students/new/", views.students_new, name="students_new"),
    path("<int:classroom_id>/students/<int:student_id>/", views.student_edit, name="student_edit"),
    path("<int:classroom_id>/students/<int:student_id>/remove/", views.student_delete, name="student_delete"),
    path("<int:classroom_id>/co-teachers/", views.co_teacher_new, name="co_teacher_new"),
    path("<int:classroom_id>/cards/", views.cards, name="cards"),
    path("<int:classroom_id>/cards/reissue/", views.cards_reissue, name="cards_reissue"),
]
