"""Django admin for Baeum's LTI rows. django-lti registers its own (registrations with their
deployments, keys). School admins use the setup pages (``lti:setup``); this is for superusers."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lti.models import DeploymentSchool, RegistrationInvite


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
