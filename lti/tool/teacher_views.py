"""The page a teacher lands on from an LMS link: the assignment's students with their progress,
score and whether the LMS gradebook has it (refusals shown with their reason), a button to teach the
lesson live, and the roster's last sync with a button to sync it now."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from classrooms.assignments.selectors import class_progress
from classrooms.models import LiveSession, MemberRole, Membership, SessionState
from edu.accounts.access import require_teacher
from edu.accounts.models import User
from lti.models import AssignmentLink, ClassLink, ScoreState
from lti.tool import ags, tasks, tokens


def link_for_teacher(user: User, link_id: int) -> AssignmentLink:
    """An LMS link of a class ``user`` teaches, or 404 (the same for one that does not exist)."""
    link = (
        AssignmentLink.objects.select_related("resource_link__context__baeum__classroom", "assignment", "lesson")
        .filter(pk=link_id)
        .first()
    )
    class_link: ClassLink | None = getattr(link.resource_link.context, "baeum", None) if link is not None else None
    if link is None or class_link is None:
        raise Http404
    teaches = Membership.objects.filter(classroom=class_link.classroom, user=user, role=MemberRole.TEACHER).exists()
    if not teaches:
        raise Http404
    return link


def link_page(request: HttpRequest, link_id: int) -> HttpResponse:
    teacher = require_teacher(request.user)
    link = link_for_teacher(teacher, link_id)
    class_link = link.resource_link.context.baeum
    classroom = class_link.classroom
    rows: list[dict[str, Any]] = []
    if link.assignment is not None:
        _assignments, students, cells = class_progress(classroom)
        states = ags.link_score_states(link)
        for student in students:
            cell = cells.get((link.assignment.pk, student.pk))
            sent = states.get(student.pk)
            error = ags.score_error_text(sent) if sent is not None else ""
            rows.append({"student": student, "cell": cell, "sent": sent, "error": error})
    running = LiveSession.objects.filter(classroom=classroom).exclude(state=SessionState.ENDED).order_by("-pk").first()
    return render(
        request,
        "lti/link.html",
        {
            "link": link,
            "classroom": classroom,
            "class_link": class_link,
            "rows": rows,
            "failed": sum(1 for r in rows if r["sent"] is not None and r["sent"].state == ScoreState.FAILED),
            "running": running,
            "roster_error": tokens.reason_text(class_link.roster_error) if class_link.roster_error else "",
        },
    )


@require_POST
def link_roster_sync(request: HttpRequest, link_id: int) -> HttpResponse:
    teacher = require_teacher(request.user)
    link = link_for_teacher(teacher, link_id)
    class_link = link.resource_link.context.baeum
    if not link.resource_link.context.memberships_url:
        messages.error(request, _("The LMS did not offer its roster (Names and Role Provisioning) for this course."))
    else:
        transaction.on_commit(lambda: tasks.sync_roster.delay(class_link.pk, force=True), robust=True)
        messages.success(request, _("Roster sync started. Reload the page in a moment."))
    return redirect("lti:link", link_id=link.pk)


@require_POST
def link_scores_resend(request: HttpRequest, link_id: int) -> HttpResponse:
    teacher = require_teacher(request.user)
    link = link_for_teacher(teacher, link_id)
    count = len(ags.scores_resend(link))
    messages.success(request, _("%(count)d scores will be sent again.") % {"count": count})
    return redirect("lti:link", link_id=link.pk)
