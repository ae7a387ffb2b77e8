"""Launching a tool: the lesson's frame or link (``launch``) and the OIDC authorization endpoint the
tool sends the browser back to (``authorize``). Thin: ``lti.platform.launch`` decides, checks and signs.

Both answer inside the lesson's own frame, so they may be framed by Baeum's pages (same origin);
neither is ever cached."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from classrooms.access import classroom_for_teacher
from classrooms.live.access import live_session_for_user
from classrooms.models import Classroom
from courses.access import lesson_for_user
from courses.extensions import answer_context_for
from courses.pages import LessonPage
from edu.accounts.access import signed_in_user
from lti.platform import launch as services
from lti.platform.auth_rules import LaunchRefused

log = logging.getLogger("baeum.lti")
MAX_DB_ID = 2**63 - 1  # BigAutoField
RESUBMITTED = "baeum_resubmitted"


def db_id(raw: str | int | None) -> int | None:
    """A database id from a path or query value, or None (never an integer the database refuses)."""
    text = str(raw) if raw is not None else ""
    if not text.isascii() or not text.isdigit() or len(text) > 19 or not 0 < int(text) <= MAX_DB_ID:
        return None
    return int(text)


def refused(request: HttpRequest, error: LaunchRefused) -> HttpResponse:
    log.warning("lti platform launch refused: %s", error.code)
    response = render(request, "lti/launch/refused.html", {"error": error}, status=error.status)
    response["Cache-Control"] = "no-store"
    return response


def _classroom(request: HttpRequest, lesson: LessonPage) -> Classroom | None:
    """The class this launch happens in: the live session's (``?session=``), a class the user
    teaches and names (``?class=``; a student's class is never their choice: it would make the tool
    a context of any class they sit in), else, for a student, the class the lesson is theirs in
    (an assignment)."""
    user = signed_in_user(request)
    if "session" in request.GET:
        session_id = db_id(request.GET["session"])
        if session_id is None:
            raise Http404
        session, _role = live_session_for_user(user, session_id)
        if session.lesson_id != lesson.pk:
            raise Http404
        return session.classroom
    if "class" in request.GET:
        class_id = db_id(request.GET["class"])
        if class_id is None:
            raise Http404
        return classroom_for_teacher(user, class_id)
    if user.is_teacher:
        return None
    context = answer_context_for(user, lesson)
    return (
        Classroom.objects.filter(pk=context.classroom_id).select_related("school").first()
        if context.classroom_id
        else None
    )


def _opened_elsewhere(request: HttpRequest) -> bool:
    """The browser says another site started this request (``Sec-Fetch-Site``): a page elsewhere,
    or a tool's page navigating its own frame, must not launch tools (and make classes their
    contexts) in the signed-in user's name. Baeum's own pages, a bookmark, or an old browser that
    sends no such header may."""
    return request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none")


@never_cache
@xframe_options_sameorigin
@login_required
@require_GET
def launch(request: HttpRequest, lesson_id: int, block_id: str) -> HttpResponse:
    if _opened_elsewhere(request):
        return refused(
            request,
            LaunchRefused("launch_elsewhere", _("Open outside content from its lesson in Baeum."), 403),
        )
    lesson_pk = db_id(lesson_id)
    if lesson_pk is None or len(block_id) > 64:
        raise Http404
    user = signed_in_user(request)
    lesson = lesson_for_user(user, lesson_pk)
    classroom = _classroom(request, lesson)
    try:
        target = services.launch_start(
            user=user,
            lesson=lesson,
            block_id=block_id,
            classroom=classroom,
            return_url="",  # optional in LTI; a teacher's lesson URL would carry their user id
        )
    except LaunchRefused as error:
        return refused(request, error)
    response = HttpResponseRedirect(target)
    response["Referrer-Policy"] = "origin"
    return response


@never_cache
@xframe_options_sameorigin
@csrf_exempt  # the tool's page sends the browser here (GET, or a POST from the tool's origin)
@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    user = request.user if request.user.is_authenticated else None
    if request.method == "POST" and user is None and RESUBMITTED not in params:
        # A tool on another site that posts here from a top-level page: the browser keeps Baeum's
        # Lax session cookie off a cross-site POST. Our own page sends the same request again as a
        # GET from Baeum's origin, which carries it (the hint is not read until then).
        fields = [(key, params.get(key, "")) for key in params if key != RESUBMITTED][:20]
        response = render(request, "lti/launch/resubmit.html", {"fields": fields, "flag": RESUBMITTED})
        response["Cache-Control"] = "no-store"
        return response
    try:
        authorized = services.authorize(user, {key: params.get(key, "") for key in params})
    except LaunchRefused as error:
        return refused(request, error)
    response = render(request, "lti/launch/post.html", {"authorized": authorized, "tool": authorized.tool})
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "origin"
    return response
