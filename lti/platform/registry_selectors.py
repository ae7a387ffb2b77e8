"""Reads of the tool registry's admin pages and their access helpers: which tools a school may use
(its own and the site's), which of them an admin may change, the open invitations. Every helper
answers 404 for what the admin may not see, without saying whether it exists."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from classrooms.models import School
from edu.accounts.models import User
from lti.models import ExternalTool, ToolDeployment, ToolRegistrationInvite


def usable_tools(school: School) -> QuerySet[ExternalTool]:
    """The active tools ``school`` may switch on (its own and the site's), each with
    ``school_deployments`` (its deployment in this school, or none yet)."""
    here = ToolDeployment.objects.filter(school=school)
    return (
        ExternalTool.objects.filter(Q(owner_school=school) | Q(owner_school__isnull=True), is_active=True)
        .order_by("name", "pk")
        .prefetch_related(Prefetch("deployments", queryset=here, to_attr="school_deployments"))
    )


def can_manage(user: User, school: School, tool: ExternalTool) -> bool:
    """Edit and deactivate: a school's own tool by its admin (or a superuser acting for it); a
    site-wide tool by superusers only."""
    if tool.owner_school_id is None:
        return bool(user.is_superuser)
    return tool.owner_school_id == school.pk


def tool_for_admin(user: User, school: School, tool_id: int, *, manage: bool = False) -> ExternalTool:
    """One of ``school``'s usable tools (``manage``: one this admin may change), or 404."""
    tool = usable_tools(school).filter(pk=tool_id).first()
    if tool is None or (manage and not can_manage(user, school, tool)):
        raise Http404
    return tool


def tool_deployments(tool: ExternalTool, user: User, school: School) -> QuerySet[ToolDeployment]:
    """The deployments shown on a tool's page: every school's to a superuser, else this school's."""
    found = ToolDeployment.objects.filter(tool=tool).select_related("school").order_by("school__name", "pk")
    return found if user.is_superuser else found.filter(school=school)


def open_invites(user: User, school: School, now: datetime | None = None) -> QuerySet[ToolRegistrationInvite]:
    """The school's unused, unexpired invitations, and the site's for a superuser."""
    mine = Q(school=school) | (Q(school__isnull=True) if user.is_superuser else Q(pk__in=[]))
    unused = ToolRegistrationInvite.objects.filter(mine, used_at__isnull=True, expires_at__gt=now or timezone.now())
    return unused.select_related("school", "created_by").order_by("-created_at")


def invite_for_admin(user: User, school: School, *, pk: int | None = None, digest: str = "") -> ToolRegistrationInvite:
    """One of the open invitations this admin sees, by id or by token digest, or 404."""
    found = open_invites(user, school)
    invite = found.filter(pk=pk).first() if pk is not None else found.filter(token_digest=digest).first()
    if invite is None:
        raise Http404
    return invite
