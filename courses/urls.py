from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("standards/<int:standard_id>/", views.standard_detail, name="standard"),
    path("mine/", views.my_lessons, name="my_lessons"),
    path("about-the-data/", views.about_data, name="about_data"),
    path("lessons/<int:lesson_id>/copy/", views.copy, name="copy"),
    path("lessons/<int:lesson_id>/share/", views.share, name="share"),
    path("lessons/<int:lesson_id>/answers/", views.answer, name="answer"),
]
