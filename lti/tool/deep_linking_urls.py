from django.urls import URLPattern, path

from lti.tool import deep_linking_views

urlpatterns: list[URLPattern] = [
    path("deep-link/", deep_linking_views.deep_link, name="deep_link"),
]
