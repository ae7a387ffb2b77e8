"""Dynamic registration (Baeum's openid-configuration, the registration endpoint) and the external
tools' admin pages."""

from django.urls import URLPattern, path

from lti.platform import registration_views, registry_views

urlpatterns: list[URLPattern] = [
    path(
        ".well-known/openid-configuration",
        registration_views.openid_configuration,
        name="openid_configuration",
    ),
    path("register/", registration_views.register, name="register"),
    path("tools/", registry_views.tools, name="tools"),
    path("tools/new/", registry_views.tool_new, name="tool_new"),
    path("tools/invite/", registry_views.tool_invite, name="tool_invite"),
    path("tools/invite/link/", registry_views.tool_invite_link, name="tool_invite_link"),
    path("tools/invites/<int:invite_id>/revoke/", registry_views.invite_revoke, name="invite_revoke"),
    path("tools/<int:tool_id>/", registry_views.tool, name="tool"),
    path("tools/<int:tool_id>/edit/", registry_views.tool_edit, name="tool_edit"),
    path("tools/<int:tool_id>/enable/", registry_views.tool_enable, name="tool_enable"),
    path("tools/<int:tool_id>/disable/", registry_views.tool_disable, name="tool_disable"),
    path("tools/<int:tool_id>/deactivate/", registry_views.tool_deactivate, name="tool_deactivate"),
]
