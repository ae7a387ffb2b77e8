"""Reads of the tool registry that launches, the lesson editor and the services share."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from classrooms.models import School
from classrooms.selectors import school_for_user
from edu.accounts.models import User
from lti.models import ExternalTool, ToolDeployment


def enabled_tools(school: School | None) -> QuerySet[ExternalTool]:
    """The active tools ``school`` has enabled (none without a school)."""
    if school is None:
        return ExternalTool.objects.none()
    return ExternalTool.objects.filter(is_active=True, deployments__school=school, deployments__enabled=True).order_by(
        "name", "pk"
    )


def deployment_for(tool: ExternalTool, school: School | None) -> ToolDeployment | None:
    """The tool's enabled deployment in ``school``, or None (not enabled there, or the tool is off)."""
    if school is None or not tool.is_active:
        return None
    return ToolDeployment.objects.filter(tool=tool, school=school, enabled=True).first()


def tools_for_editor(user: Any) -> QuerySet[ExternalTool]:
    """The tools a lesson author may choose (the block's chooser, Deep Linking): their school's enabled ones."""
    if not isinstance(user, User):
        return ExternalTool.objects.none()
    return enabled_tools(school_for_user(user))
