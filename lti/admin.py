"""Django admin for Baeum's LTI rows. django-lti registers its own (registrations with their
deployments, keys). School admins use the setup pages (``lti:setup``, ``lti_platform:tools``); this is
for superusers."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lti.models import (
    DeploymentSchool,
    ExternalTool,
    PlatformLineItem,
    PlatformScore,
    RegistrationInvite,
    ToolContext,
    ToolDeployment,
    ToolRegistrationInvite,
    ToolSubject,
)


@admin.register(DeploymentSchool)
class DeploymentSchoolAdmin(admin.ModelAdmin):
    list_display = ("deployment_id_on_platform", "registration", "school", "active")
    list_filter = ("school", "deployment__is_active")
    list_select_related = ("deployment__registration", "school")
    search_fields = ("deployment__deployment_id", "deployment__registration__issuer", "school__name")
    raw_id_fields = ("deployment",)
    autocomplete_fields = ("school",)

    @admin.display(description=_("deployment ID"), ordering="deployment__deployment_id")
    def deployment_id_on_platform(self, obj: DeploymentSchool) -> str:
        return obj.deployment.deployment_id

    @admin.display(description=_("registration"), ordering="deployment__registration__name")
    def registration(self, obj: DeploymentSchool) -> str:
        return str(obj.deployment.registration)

    @admin.display(description=_("active"), boolean=True)
    def active(self, obj: DeploymentSchool) -> bool:
        return bool(obj.deployment.is_active and obj.deployment.registration.is_active)


@admin.register(RegistrationInvite)
class RegistrationInviteAdmin(admin.ModelAdmin):
    """Invites are made on the setup page, which shows the token once; here they can be read or
    deleted (a deleted invite's link stops working)."""

    list_display = ("school", "created_by", "created_at", "expires_at", "used_at", "registration")
    list_filter = ("school",)
    list_select_related = ("school", "created_by", "registration")
    readonly_fields = ("school", "token_digest", "created_by", "created_at", "expires_at", "used_at", "registration")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


# --- Baeum as a platform: external tools (school admins use lti_platform:tools) -------------------


class ToolDeploymentInline(admin.TabularInline):
    """Where a tool is switched on is the school admins' choice on the registry's pages (which
    refuse a school's own tool elsewhere); here it is read."""

    model = ToolDeployment
    extra = 0
    fields = ("school", "deployment_id", "enabled", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ExternalTool)
class ExternalToolAdmin(admin.ModelAdmin):
    """Here a superuser can switch a deactivated tool on again (``is_active``) and see the rest. A
    tool's addresses, keys, scopes and privacy are changed on the registry's pages only, whose checks
    (https and public addresses, one key source, scopes Baeum offers) this form would skip."""

    list_display = ("name", "owner_school", "registered_via", "is_active", "send_names", "created_at")
    list_filter = ("is_active", "registered_via", "send_names")
    list_select_related = ("owner_school",)
    search_fields = ("name", "client_id", "login_url")
    readonly_fields = (
        "client_id",
        "login_url",
        "redirect_uris",
        "target_link_uri",
        "deep_link_url",
        "jwks_url",
        "public_key",
        "custom_parameters",
        "send_names",
        "scopes",
        "owner_school",
        "registered_via",
        "created_by",
        "created_at",
    )
    inlines = (ToolDeploymentInline,)

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(ToolRegistrationInvite)
class ToolRegistrationInviteAdmin(admin.ModelAdmin):
    """Invitations are made on the tools page, which shows the token once; here they are read or
    deleted (a deleted invitation's token stops working)."""

    list_display = ("school", "created_by", "created_at", "expires_at", "used_at", "tool")
    list_filter = ("school",)
    list_select_related = ("school", "created_by", "tool")
    readonly_fields = ("school", "token_digest", "created_by", "created_at", "expires_at", "used_at", "tool")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the services write (tools' line items and scores, contexts, subjects): to read when
    supporting a school, never to edit by hand."""

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(PlatformLineItem)
class PlatformLineItemAdmin(ReadOnlyAdmin):
    list_display = ("label", "tool", "classroom", "score_maximum", "resource_link_id", "created_at")
    list_filter = ("tool",)
    list_select_related = ("tool", "classroom")
    search_fields = ("label", "resource_link_id", "resource_id", "tag")


@admin.register(PlatformScore)
class PlatformScoreAdmin(ReadOnlyAdmin):
    list_display = ("line_item", "student", "score_given", "score_maximum", "grading_progress", "timestamp")
    list_select_related = ("line_item", "student")
    raw_id_fields = ("line_item", "student")


@admin.register(ToolContext)
class ToolContextAdmin(ReadOnlyAdmin):
    list_display = ("tool", "classroom", "first_launch_at")
    list_filter = ("tool",)
    list_select_related = ("tool", "classroom")


@admin.register(ToolSubject)
class ToolSubjectAdmin(ReadOnlyAdmin):
    """Find who a tool means by its ``sub`` (search by the sub a tool's support quotes)."""

    list_display = ("sub", "tool", "user")
    list_filter = ("tool",)
    list_select_related = ("tool", "user")
    search_fields = ("=sub",)
    raw_id_fields = ("user",)
