"""Baeum as an LTI platform, under ``/lti/platform/``: launches and Deep Linking (``launch_urls``),
the tool registry and dynamic registration (``registry_urls``), and the services tools call with an
access token (``service_urls``)."""

from django.urls import include, path

app_name = "lti_platform"
urlpatterns = [
    path("", include("lti.platform.launch_urls")),
    path("", include("lti.platform.registry_urls")),
    path("", include("lti.platform.service_urls")),
]
