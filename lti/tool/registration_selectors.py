"""Reads of the LTI setup page: a school's registrations with their deployments, its unused
invites, and which registrations other schools share."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from lti_tool.models import LtiDeployment, LtiRegistration

from classrooms.models import School
from lti.models import DeploymentSchool, RegistrationInvite


def school_registrations(school: School) -> QuerySet[LtiRegistration]:
    """The registrations with a deployment of ``school`` or made from its invites, each with
    ``school_deployments`` (only this school's)."""
    invited = RegistrationInvite.objects.filter(school=school, registration__isnull=False).values("registration_id")
    mine = LtiDeployment.objects.filter(baeum__school=school).order_by("deployment_id")
    return (
        LtiRegistration.objects.filter(Q(deployments__baeum__school=school) | Q(pk__in=invited))
        .distinct()
        .order_by("name", "pk")
        .prefetch_related(Prefetch("deployments", queryset=mine, to_attr="school_deployments"))
    )


def open_invites(school: School, now: datetime | None = None) -> QuerySet[RegistrationInvite]:
    unused = RegistrationInvite.objects.filter(school=school, used_at__isnull=True)
    return unused.filter(expires_at__gt=now or timezone.now()).order_by("-created_at")


def shared_registration_ids(school: School, registrations: list[LtiRegistration]) -> set[int]:
    ids = DeploymentSchool.objects.filter(deployment__registration__in=registrations).exclude(school=school)
    return set(ids.values_list("deployment__registration_id", flat=True))
