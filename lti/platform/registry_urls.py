"""Dynamic registration (Baeum's openid-configuration, the registration endpoint) and the external
tools' admin pages."""

from django.urls import URLPattern, path

from lti.platform import registration_views

urlpatterns: list[URLPattern] = [
    path(
        ".well-known/openid-configuration",
        registration_views.openid_configuration,
        name="openid_configuration",
    ),
    path("register/", registration_views.register, name="register"),
]
