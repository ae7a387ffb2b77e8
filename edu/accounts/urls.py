from django.urls import path

from edu.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.TeacherLoginView.as_view(), name="login"),
    path("login/code/", views.code_login, name="code_login"),
    path("logout/", views.logout, name="logout"),
]
