"""Library views outside the page tree: search, standards, my lessons, copying, answering."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from classrooms.grades import GRADE_CHOICES
from courses import selectors
from courses.access import lesson_for_copy, lesson_for_user
from courses.curriculum import AchievementStandard
from courses.extensions import answer_policy_for, elsewhere_for
from courses.pages import LessonPage
from courses.services import answer_submit, lesson_copy, lesson_share, teacher_folder_ensure
from edu.accounts.access import require_teacher
from edu.accounts.models import User
from edu.errors import DomainError

PAGE_SIZE = 20
MAX_ANSWER_BODY = 16 * 1024


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    grade_raw = request.GET.get("grade", "")
    grade = int(grade_raw) if grade_raw.isdigit() and 1 <= int(grade_raw) <= 12 else None
    subject = request.GET.get("subject", "").strip()[:100]
    area = request.GET.get("area", "").strip()[:200]
    standard = None
    standard_id = request.GET.get("standard", "")
    if standard_id.isdigit():
        standard = AchievementStandard.objects.filter(pk=int(standard_id)).first()
    searched = bool(query or grade or subject or area or standard)
    lessons = (
        selectors.lessons_search(query, grade=grade, subject=subject, area=area, standard=standard)
        if searched
        else None
    )
    page = Paginator(lessons, PAGE_SIZE).get_page(request.GET.get("page")) if lessons is not None else None
    context = {
        "query": query,
        "grade": grade,
        "subject": subject,
        "area": area,
        "standard": standard,
        "page": page,
        "searched": searched,
        "standards": selectors.standards_search(query) if query else [],
        "grades": GRADE_CHOICES,
        "subjects": selectors.subjects_in_library(),
        "areas": selectors.areas_in_library(),
    }
    return render(request, "courses/search.html", context)


@require_GET
def standard_detail(request: HttpRequest, standard_id: int) -> HttpResponse:
    standard = get_object_or_404(
        AchievementStandard.objects.select_related("subject", "area", "revision"), pk=standard_id
    )
    lessons = selectors.lessons_for_standard(standard)
    return render(request, "courses/standard_detail.html", {"standard": standard, "lessons": lessons})


@login_required
def my_lessons(request: HttpRequest) -> HttpResponse:
    teacher = require_teacher(request.user)
    folder = teacher_folder_ensure(teacher)
    lessons = Paginator(selectors.my_lessons(teacher), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "courses/my_lessons.html", {"folder": folder, "page": lessons})


@login_required
@require_POST
def copy(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = lesson_for_copy(request.user, lesson_id)
    teacher = require_teacher(request.user)
    adapted = lesson_copy(lesson=lesson, teacher=teacher)
    messages.success(request, _("Copied to your lessons. Adapt it for your class, then publish."))
    return redirect("wagtailadmin_pages:edit", adapted.pk)


@login_required
@require_POST
def share(request: HttpRequest, lesson_id: int) -> HttpResponse:
    teacher = require_teacher(request.user)
    lesson = get_object_or_404(LessonPage, pk=lesson_id, workspace_teacher=teacher)
    try:
        lesson_share(lesson=lesson, teacher=teacher)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Sent to your school's library. A reviewer will approve it before it is published.")
        )
    return redirect("courses:my_lessons")


def _json_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


@require_POST
def answer(request: HttpRequest, lesson_id: int) -> JsonResponse:
    """POST {"block": "<activity id>", "answer": …} → the server's verdict (JSON)."""
    if not isinstance(request.user, User):
        return _json_error(401, "not_signed_in", _("Sign in to save your answers."))
    lesson = lesson_for_user(request.user, lesson_id)
    elsewhere = elsewhere_for(request.user, lesson)
    if elsewhere is not None:
        return _json_error(409, elsewhere.code, elsewhere.message)
    policy = answer_policy_for(request.user, lesson)
    if policy.refused is not None:
        return _json_error(409, policy.refused.code, policy.refused.message)
    if len(request.body) > MAX_ANSWER_BODY:
        return _json_error(413, "too_large", _("The answer is too long."))
    try:
        payload = json.loads(request.body)
    except (ValueError, RecursionError):
        return _json_error(400, "invalid_json", _("The request is not valid JSON."))
    if not isinstance(payload, dict) or not isinstance(payload.get("block"), str) or "answer" not in payload:
        return _json_error(400, "invalid_request", _("Send the question's block id and an answer."))
    try:
        result = answer_submit(user=request.user, lesson=lesson, block_id=payload["block"], answer=payload["answer"])
    except DomainError as exc:
        return _json_error(404 if exc.code == "unknown_activity" else 400, exc.code, exc.message)
    verdict = result.verdict
    block = lesson.activity(payload["block"])
    explanation = block.value.get("explanation") if block is not None else None
    # The answer key and explanation are shown once the answer is settled: right, or after
    # REVEAL_AFTER_ATTEMPTS tries (from then on the score no longer changes).
    reveal = (
        {**verdict.reveal, "explanation": str(explanation) if explanation else ""}
        if result.answer.revealed and not policy.hide_keys
        else {}
    )
    settled = result.answer
    return JsonResponse(
        {
            "correct": settled.correct,
            "score": _number(settled.score),
            "max_score": _number(settled.max_score),
            "attempts": settled.attempts,
            "reveal": reveal,
        }
    )


def _number(value: Decimal) -> Any:
    return int(value) if value == value.to_integral_value() else float(value)


@require_GET
def about_data(request: HttpRequest) -> HttpResponse:
    return render(request, "courses/about_data.html")
