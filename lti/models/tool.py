"""Baeum's side of LTI: what links django-lti's rows (registrations, deployments, users, contexts,
resource links, line items: app ``lti_tool``) to Baeum's schools, accounts, classes and
assignments, and the outbox of scores owed to LMS gradebooks. ADR 0010 draws the line."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeploymentSchool(models.Model):
    """Each deployment of Baeum in an LMS belongs to one Baeum school: its classes are made there."""

    deployment = models.OneToOneField("lti_tool.LtiDeployment", on_delete=models.CASCADE, related_name="baeum")
    school = models.ForeignKey("classrooms.School", on_delete=models.PROTECT, related_name="lti_deployments")

    class Meta:
        verbose_name = _("LTI deployment's school")
        verbose_name_plural = _("LTI deployments' schools")

    def __str__(self) -> str:
        return f"{self.deployment} → {self.school}"


class ClassLink(models.Model):
    """An LMS course (LTI context) and the Baeum class made for it on its first launch."""

    context = models.OneToOneField("lti_tool.LtiContext", on_delete=models.CASCADE, related_name="baeum")
    classroom = models.OneToOneField("classrooms.Classroom", on_delete=models.CASCADE, related_name="lti_link")
    roster_synced_at = models.DateTimeField(null=True, blank=True)
    roster_error = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.context} → {self.classroom}"


class AssignmentLink(models.Model):
    """An LMS resource link and the assignment of its lesson in the linked class; its line item
    (when the LMS gradebook has a column for it) receives the students' scores."""

    resource_link = models.OneToOneField("lti_tool.LtiResourceLink", on_delete=models.CASCADE, related_name="baeum")
    assignment = models.OneToOneField(
        "classrooms.Assignment", on_delete=models.CASCADE, related_name="lti_link", null=True, blank=True
    )
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.SET_NULL, null=True, related_name="+")
    lineitem_url = models.URLField(max_length=500, blank=True)

    def __str__(self) -> str:
        return str(self.resource_link)


class ScoreState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Refused by the LMS")


class ScoreOutbox(models.Model):
    """The score one student owes one LMS line item: written in the transaction that changed their
    learning record, sent by a Celery task (``lti.send_score``). One row per (link, student): a
    newer change re-arms the row, and the task always sends the score as it is when it runs, with a
    timestamp later than any it sent before, so an older score never overwrites a newer one."""

    link = models.ForeignKey(AssignmentLink, on_delete=models.CASCADE, related_name="scores")
    lti_user = models.ForeignKey("lti_tool.LtiUser", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=ScoreState.choices, default=ScoreState.PENDING)
    changed_at = models.DateTimeField(default=timezone.now)  # the last learning-record change
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=300, blank=True)
    sent_score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    sent_timestamp = models.DateTimeField(null=True, blank=True)  # the last timestamp the LMS accepted

    class Meta:
        constraints = [models.UniqueConstraint(fields=["link", "lti_user"], name="lti_score_one_per_student")]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.link} / {self.lti_user_id}: {self.state}"


class RegistrationInvite(models.Model):
    """A one-time dynamic-registration URL a Baeum admin gives an LMS admin: the LMS that opens it
    registers Baeum, and the deployment it creates belongs to ``school``. Only a digest is kept."""

    school = models.ForeignKey("classrooms.School", on_delete=models.CASCADE, related_name="+")
    token_digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    registration = models.ForeignKey(
        "lti_tool.LtiRegistration", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.school} ({self.created_at:%Y-%m-%d})"
