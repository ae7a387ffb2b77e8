"""Baeum as an LTI 1.3 platform: the external content tools it launches (an EBS-style provider, a
simulation, a publisher's exercises), where each tool is enabled, the one-time invitations a tool
registers itself with, and the gradebook columns (line items) and scores tools post back.

- **A tool is registered once and enabled per school.** ``ExternalTool`` holds what the tool told
  us (its login URL, redirect URIs, keys, the scopes it was granted); a ``ToolDeployment`` per
  school carries the ``deployment_id`` sent in every launch and whether the school has it on. A
  tool a school admin registered belongs to that school (``owner_school``); a site admin's tool
  may be enabled by any school.
- **Pseudonymous users.** A tool never learns a Baeum id: ``ToolSubject`` gives each (tool, user)
  a random ``sub``, and names go out only when the tool's privacy setting allows (emails never:
  students have none, and teachers' are not a tool's business).
- **Contexts are classes.** A line item belongs to a tool and a class (the LTI context); the one
  made for a lesson's external activity names that activity (``lesson``, ``block_id``), and its
  scores become the student's answer to the activity (``lti.platform.scores``).
"""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_identifier() -> str:
    return str(uuid.uuid4())


class ExternalTool(models.Model):
    class Via(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        DYNAMIC = "dynamic", _("Dynamic registration")

    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    client_id = models.CharField(_("client ID"), max_length=64, unique=True, default=new_identifier, editable=False)
    login_url = models.URLField(_("OIDC login URL"), max_length=500)
    redirect_uris = models.JSONField(_("redirect URIs"), default=list)
    target_link_uri = models.URLField(_("target link URI"), max_length=500)
    deep_link_url = models.URLField(_("Deep Linking URL"), max_length=500, blank=True)
    jwks_url = models.URLField(_("JWKS URL"), max_length=500, blank=True)
    public_key = models.TextField(_("public key (PEM)"), blank=True)
    custom_parameters = models.JSONField(_("custom parameters"), default=dict, blank=True)
    send_names = models.BooleanField(
        _("send names"), default=False, help_text=_("Launches include the user's display name.")
    )
    scopes = models.JSONField(_("granted scopes"), default=list, blank=True)
    registered_via = models.CharField(max_length=10, choices=Via.choices, default=Via.MANUAL)
    owner_school = models.ForeignKey(
        "classrooms.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("external tool")
        verbose_name_plural = _("external tools")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def supports_deep_linking(self) -> bool:
        return bool(self.deep_link_url)

    def hosts(self) -> set[str]:
        """The host names of the tool's own addresses: where a launch's target may point."""
        urls = [self.target_link_uri, self.login_url, self.deep_link_url, *(self.redirect_uris or [])]
        return {host for url in urls if isinstance(url, str) and (host := urlsplit(url).hostname)}


class ToolDeployment(models.Model):
    """A tool in one school: the ``deployment_id`` of its launches there, and whether it is on."""

    tool = models.ForeignKey(ExternalTool, on_delete=models.CASCADE, related_name="deployments")
    school = models.ForeignKey("classrooms.School", on_delete=models.CASCADE, related_name="+")
    deployment_id = models.CharField(max_length=64, unique=True, default=new_identifier, editable=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tool deployment")
        verbose_name_plural = _("tool deployments")
        constraints = [models.UniqueConstraint(fields=["tool", "school"], name="lti_tool_one_deployment_per_school")]

    def __str__(self) -> str:
        return f"{self.tool} @ {self.school}"


class ToolSubject(models.Model):
    """The opaque ``sub`` a tool knows a Baeum user by (one per tool and user, never reused)."""

    tool = models.ForeignKey(ExternalTool, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sub = models.CharField(max_length=64, unique=True, default=new_identifier, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tool", "user"], name="lti_tool_subject_unique")]

    def __str__(self) -> str:
        return self.sub


class ToolContext(models.Model):
    """A class (LTI context) a tool has been launched in. The services answer a tool only about
    its contexts: a tool enabled in a school does not read the rosters of classes that never used it."""

    tool = models.ForeignKey(ExternalTool, on_delete=models.CASCADE, related_name="contexts")
    classroom = models.ForeignKey("classrooms.Classroom", on_delete=models.CASCADE, related_name="+")
    first_launch_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tool", "classroom"], name="lti_tool_context_unique")]

    def __str__(self) -> str:
        return f"{self.tool_id}/{self.classroom_id}"


class ToolRegistrationInvite(models.Model):
    """A one-time registration token for LTI Dynamic Registration: the tool that holds it may
    register once, before ``expires_at``. ``school`` null: a site admin's tool. Only a digest is kept."""

    school = models.ForeignKey("classrooms.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    token_digest = models.CharField(max_length=64, unique=True)
    send_names = models.BooleanField(default=False)  # the admin's choice for the tool it registers
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    tool = models.ForeignKey(ExternalTool, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    def __str__(self) -> str:
        return f"{self.school or '*'} ({self.created_at:%Y-%m-%d})"


class PlatformLineItem(models.Model):
    """A gradebook column of a tool in a class (AGS line item). ``block_id`` set: the column Baeum
    made for a lesson's external activity (one per tool, class and activity); empty: one the tool
    made itself through the service."""

    tool = models.ForeignKey(ExternalTool, on_delete=models.CASCADE, related_name="line_items")
    classroom = models.ForeignKey("classrooms.Classroom", on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey("courses.LessonPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    block_id = models.CharField(max_length=64, blank=True)
    resource_link_id = models.CharField(max_length=128, blank=True)
    label = models.CharField(max_length=255)
    score_maximum = models.DecimalField(max_digits=9, decimal_places=2)
    resource_id = models.CharField(max_length=255, blank=True)
    tag = models.CharField(max_length=255, blank=True)
    start_date_time = models.DateTimeField(null=True, blank=True)
    end_date_time = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("line item")
        verbose_name_plural = _("line items")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tool", "classroom", "resource_link_id"],
                condition=~models.Q(block_id=""),
                name="lti_lineitem_one_per_activity",
            )
        ]
        indexes = [models.Index(fields=["tool", "classroom"], name="lti_lineitem_context")]

    def __str__(self) -> str:
        return self.label


class PlatformScore(models.Model):
    """The latest score a tool posted for one student on one line item (AGS score); a score with an
    older ``timestamp`` than this one is ignored."""

    line_item = models.ForeignKey(PlatformLineItem, on_delete=models.CASCADE, related_name="scores")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score_given = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    score_maximum = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    activity_progress = models.CharField(max_length=20)
    grading_progress = models.CharField(max_length=20)
    comment = models.TextField(blank=True)
    timestamp = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["line_item", "student"], name="lti_score_one_per_student_item")]

    def __str__(self) -> str:
        return f"{self.line_item_id}/{self.student_id}"
