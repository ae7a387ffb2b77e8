from django.urls import include, path

from lti.tool import views

app_name = "lti"
urlpatterns = [
    path("login/", views.login_initiation, name="login"),
    path("launch/", views.launch, name="launch"),
    path("jwks/", views.jwks, name="jwks"),
    path("waiting/", views.waiting, name="waiting"),
    path("continue/<str:ticket>/", views.continue_launch, name="continue"),
    path("", include("lti.tool.deep_linking_urls")),
    path("", include("lti.tool.registration_urls")),
    path("", include("lti.tool.teacher_urls")),
]
