"""Deep Linking pages: choose a tool for a lesson (``deep_link``), receive the tool's answer
(``deep_link_return``, a cross-site POST with no session) and confirm it as the teacher
(``deep_link_confirm``). Thin: ``lti.platform.deep_linking`` checks and writes."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from classrooms.selectors import school_for_user
from courses.pages import LessonPage
from edu.accounts.access import signed_in_user
from edu.accounts.models import User
from lti.models import ExternalTool
from lti.platform import deep_linking as services
from lti.platform.auth_rules import LaunchRefused
from lti.platform.launch import deep_link_start
from lti.platform.launch_views import db_id, refused
from lti.platform.selectors import deployment_for, tools_for_editor


def lesson_for_editor(user: User, lesson_id: int) -> LessonPage:
    """A lesson ``user`` may edit in Wagtail (drafts included), or 404."""
    lesson_pk = db_id(lesson_id)
    lesson = LessonPage.objects.filter(pk=lesson_pk).first() if lesson_pk else None
    if lesson is None or not user.is_teacher or not lesson.permissions_for_user(user).can_edit():
        raise Http404
    return lesson


def _edit_url(lesson: LessonPage) -> str:
    return reverse("wagtailadmin_pages:edit", args=[lesson.pk])


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def deep_link(request: HttpRequest, lesson_id: int) -> HttpResponse:
    user = signed_in_user(request)
    lesson = lesson_for_editor(user, lesson_id)
    tools = [tool for tool in tools_for_editor(user) if tool.supports_deep_linking]
    if request.method == "POST":
        chosen = next((t for t in tools if str(t.pk) == request.POST.get("tool", "")), None)
        if chosen is None:
            messages.error(request, _("Choose one of the tools listed."))
            return redirect("lti_platform:deep_link", lesson.pk)
        return _start(request, user, lesson, chosen)
    return render(
        request, "lti/launch/deep_link_choose.html", {"lesson": lesson, "tools": tools, "edit_url": _edit_url(lesson)}
    )


def _start(request: HttpRequest, user: User, lesson: LessonPage, tool: ExternalTool) -> HttpResponse:
    deployment = deployment_for(tool, school_for_user(user))
    if deployment is None:
        return refused(
            request, LaunchRefused("tool_not_enabled", _("Your school has not turned this outside tool on."), 403)
        )
    data = services.data_token(user=user, lesson=lesson, tool=tool, deployment_id=deployment.deployment_id)
    try:
        target = deep_link_start(
            user=user, lesson=lesson, tool=tool, data=data, return_url=settings.BASE_URL + _edit_url(lesson)
        )
    except LaunchRefused as error:
        return refused(request, error)
    return HttpResponseRedirect(target)


@never_cache
@csrf_exempt  # posted by the teacher's browser from the tool's site; the signed token is the proof
@require_POST
def deep_link_return(request: HttpRequest) -> HttpResponse:
    try:
        picked = services.response_check(request.POST.get("JWT", ""))
    except LaunchRefused as error:
        return refused(request, error)
    ticket = services.picked_keep(picked)
    return redirect("lti_platform:deep_link_confirm", picked.lesson_id, ticket)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def deep_link_confirm(request: HttpRequest, lesson_id: int, ticket: str) -> HttpResponse:
    user = signed_in_user(request)
    lesson = lesson_for_editor(user, lesson_id)
    picked = services.picked_read(ticket, user)
    if picked is None or picked.lesson_id != lesson.pk:
        return refused(
            request,
            LaunchRefused(
                "ticket_unknown", _("This pick has expired or was already added. Pick the content again."), 404
            ),
        )
    if request.method == "POST":
        taken = services.picked_take(ticket, user)
        if taken is None:
            return redirect(_edit_url(lesson))
        count = services.items_insert(lesson, taken, user)
        added = ngettext(
            "%(count)d item added to the lesson's draft. Check it and publish the lesson.",
            "%(count)d items added to the lesson's draft. Check them and publish the lesson.",
            count,
        )
        messages.success(request, added % {"count": count})
        return HttpResponseRedirect(_edit_url(lesson))
    tool = ExternalTool.objects.filter(pk=picked.tool_id).first()
    return render(
        request,
        "lti/launch/deep_link_confirm.html",
        {"lesson": lesson, "picked": picked, "tool": tool, "edit_url": _edit_url(lesson)},
    )
