from django.urls import URLPattern, path

from lti.tool import teacher_views

urlpatterns: list[URLPattern] = [
    path("links/<int:link_id>/", teacher_views.link_page, name="link"),
    path("links/<int:link_id>/roster/", teacher_views.link_roster_sync, name="link_roster_sync"),
    path("links/<int:link_id>/resend/", teacher_views.link_scores_resend, name="link_scores_resend"),
]
