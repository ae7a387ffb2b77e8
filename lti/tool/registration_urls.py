from django.urls import URLPattern, path

from lti.tool import registration_views as views

urlpatterns: list[URLPattern] = [
    path("setup/", views.setup, name="setup"),
    path("setup/invite/", views.setup_invite, name="setup_invite"),
    path("setup/manual/", views.setup_manual, name="setup_manual"),
    path(
        "setup/registrations/<int:registration_id>/deployments/",
        views.setup_deployment_add,
        name="setup_deployment_add",
    ),
    path(
        "setup/registrations/<int:registration_id>/deactivate/",
        views.setup_registration_deactivate,
        name="setup_registration_deactivate",
    ),
    path(
        "setup/deployments/<int:deployment_id>/deactivate/",
        views.setup_deployment_deactivate,
        name="setup_deployment_deactivate",
    ),
    path("config.json", views.config_json, name="config_json"),
    path("register/<str:token>/", views.register, name="register"),
]
