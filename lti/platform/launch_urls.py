from django.urls import path

from lti.platform import deep_linking_views, launch_views

urlpatterns = [
    path("launch/<int:lesson_id>/<str:block_id>/", launch_views.launch, name="launch"),
    path("auth/", launch_views.authorize, name="authorize"),
    path("deep-link/return/", deep_linking_views.deep_link_return, name="deep_link_return"),
    path("deep-link/<int:lesson_id>/", deep_linking_views.deep_link, name="deep_link"),
    path(
        "deep-link/<int:lesson_id>/confirm/<str:ticket>/",
        deep_linking_views.deep_link_confirm,
        name="deep_link_confirm",
    ),
]
