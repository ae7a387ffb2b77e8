"""Deep Linking: a teacher launched from an LMS to add activities picks Baeum lessons, and Baeum
returns them to the LMS (Deep Linking 2.0). The launch kept the request in the session
(``lti_deep_link``: registration, deployment, settings); one response answers it, then it is gone.

The picker is one plain form (no JavaScript needed): its filters, its pages and its choice all post
to ``deep_link``; "search" and the page buttons come back to the GET page with the choice carried in
the address (``chosen``), so lessons picked on one page or in one search stay picked in the next.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from classrooms.grades import GRADE_CHOICES
from classrooms.selectors import school_for_user
from courses import selectors, standard_codes
from courses.access import lesson_visible_to
from courses.pages import LessonPage
from edu.accounts.access import require_teacher
from edu.accounts.models import User
from lti.tool.deep_linking import (
    MAX_ITEMS,
    DeepLinkRefused,
    DeepLinkSettings,
    choice_read,
    lesson_facts,
    response_build,
    settings_read,
)
from lti.tool.views import DEEP_LINK_KEY

log = logging.getLogger("baeum.lti")
PAGE_SIZE = 20
LIBRARY, MINE, SCHOOL = "library", "mine", "school"


@dataclass(frozen=True)
class Filters:
    """What the picker shows: where to look, the search, the filters, the page, and the choice so far."""

    scope: str = LIBRARY
    query: str = ""
    grade: int | None = None
    subject: str = ""
    code: str = ""
    page: str = "1"
    chosen: tuple[int, ...] = ()

    @classmethod
    def read(cls, data: QueryDict, chosen: list[str]) -> Filters:
        grade, scope = data.get("grade", ""), data.get("scope", "")
        ids: list[int] = []
        for value in chosen:
            if value.isascii() and value.isdigit() and len(value) <= 12 and int(value) not in ids:
                ids.append(int(value))
        return cls(
            scope=scope if scope in (MINE, SCHOOL) else LIBRARY,
            query=" ".join(data.get("q", "").split())[:100],
            grade=int(grade) if grade.isascii() and grade.isdigit() and 1 <= int(grade) <= 12 else None,
            subject=data.get("subject", "").strip()[:100],
            code=data.get("code", "").strip()[:40],
            page=data.get("page", "1")[:6],
            chosen=tuple(ids[:MAX_ITEMS]),
        )

    def querystring(self) -> str:
        """The picker's address for these filters (defaults left out)."""
        params: list[tuple[str, Any]] = [("scope", self.scope if self.scope != LIBRARY else "")]
        params += [("q", self.query), ("grade", self.grade or ""), ("subject", self.subject), ("code", self.code)]
        params += [("page", self.page if self.page != "1" else "")]
        params += [("chosen", pk) for pk in self.chosen]
        return urlencode([(name, value) for name, value in params if value != ""])


# --- reads ------------------------------------------------------------------------------------------


def _scope_lessons(teacher: User, scope: str) -> QuerySet[LessonPage]:
    """The lessons of one place, each visible to ``teacher`` (``courses.access.lesson_visible_to``):
    the public library, the teacher's own published lessons, their school's library."""
    if scope == MINE:
        return selectors.my_lessons(teacher).filter(live=True)
    if scope == SCHOOL:
        school = school_for_user(teacher)
        found = (
            LessonPage.objects.live().filter(shared_school=school) if school is not None else LessonPage.objects.none()
        )
        return found.order_by("title")
    return selectors.library_lessons()


def lessons_found(teacher: User, filters: Filters) -> QuerySet[LessonPage]:
    within = None if filters.scope == LIBRARY else _scope_lessons(teacher, filters.scope)
    lessons = selectors.lessons_search(filters.query, grade=filters.grade, subject=filters.subject, within=within)
    if filters.code and standard_codes.looks_like_code(filters.code):
        lessons = lessons.filter(standard_links__standard__key__startswith=standard_codes.normalise(filters.code))
    return lessons.distinct().prefetch_related("standard_links__standard")


def lessons_chosen(teacher: User, ids: tuple[int, ...] | list[int]) -> list[LessonPage]:
    """The lessons with these ids that ``teacher`` may see, in the given order; the others are left out."""
    found = {lesson.pk: lesson for lesson in LessonPage.objects.live().filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found and lesson_visible_to(teacher, found[pk])]


def _subjects(teacher: User, scope: str) -> list[str]:
    if scope == LIBRARY:
        return selectors.subjects_in_library()
    names = _scope_lessons(teacher, scope).exclude(subject_name="").values_list("subject_name", flat=True)
    return sorted(set(names))


# --- pages ------------------------------------------------------------------------------------------


def _unavailable(request: HttpRequest, error: DeepLinkRefused) -> HttpResponse:
    log.warning("lti deep link refused: %s", error.code)
    return render(request, "lti/deep_link_unavailable.html", {"error": error}, status=error.status)


def _rows(page: Page[LessonPage], chosen: set[int]) -> list[dict[str, Any]]:
    rows = []
    for lesson in page.object_list:
        facts = lesson_facts(lesson)
        public = lesson.workspace_teacher_id is None and lesson.shared_school_id is None
        rows.append({"lesson": lesson, "max_score": facts.max_score, "checked": lesson.pk in chosen, "public": public})
    return rows


def _picker(
    request: HttpRequest,
    teacher: User,
    settings: DeepLinkSettings,
    filters: Filters,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    page = Paginator(lessons_found(teacher, filters), PAGE_SIZE).get_page(filters.page)
    chosen = lessons_chosen(teacher, filters.chosen)
    if not settings.accept_multiple:
        chosen = chosen[:1]
    chosen_ids = {lesson.pk for lesson in chosen}
    on_page = {lesson.pk for lesson in page.object_list}
    context = {
        "settings": settings,
        "filters": filters,
        "page": page,
        "rows": _rows(page, chosen_ids),
        "chosen": chosen,
        "chosen_elsewhere": [lesson for lesson in chosen if lesson.pk not in on_page],
        "searched": bool(filters.query or filters.grade or filters.subject or filters.code),
        "code_error": bool(filters.code) and not standard_codes.looks_like_code(filters.code),
        "error": error,
        "input_type": "checkbox" if settings.accept_multiple else "radio",
        "grades": GRADE_CHOICES,
        "subjects": _subjects(teacher, filters.scope),
        "scopes": [(LIBRARY, _("The Baeum library")), (MINE, _("My lessons")), (SCHOOL, _("My school's lessons"))],
        "max_items": MAX_ITEMS,
    }
    return render(request, "lti/deep_link.html", context, status=status)


def _answer(
    request: HttpRequest, entry: dict[str, Any], settings: DeepLinkSettings, lessons: list[LessonPage], **messages: str
) -> HttpResponse:
    """Sign the response, forget the request (one response per request) and post it to the LMS."""
    launch_url = request.build_absolute_uri(reverse("lti:launch"))
    response = response_build(entry, settings, [lesson_facts(lesson) for lesson in lessons], launch_url, **messages)
    request.session.pop(DEEP_LINK_KEY, None)
    log.info("lti deep link response: %s items", response.items)
    return render(request, "lti/deep_link_return.html", {"response": response, "lessons": lessons})


def _return_chosen(
    request: HttpRequest, teacher: User, entry: dict[str, Any], settings: DeepLinkSettings
) -> HttpResponse:
    """The teacher's choice, each lesson one they may see; otherwise the picker again with the reason
    (400) and nothing sent."""
    filters = Filters.read(request.POST, request.POST.getlist("lesson"))
    try:
        ids = choice_read(request.POST.getlist("lesson"), accept_multiple=settings.accept_multiple)
        lessons = lessons_chosen(teacher, ids)
        if len(lessons) != len(ids):
            raise DeepLinkRefused(
                "unknown_lesson", _("One of the chosen lessons does not exist or is not open to you. Choose again.")
            )
    except DeepLinkRefused as error:
        log.info("lti deep link choice refused: %s", error.code)
        return _picker(request, teacher, settings, filters, error=str(error.message), status=error.status)
    return _answer(request, entry, settings, lessons)


@never_cache
@require_http_methods(["GET", "POST"])
def deep_link(request: HttpRequest) -> HttpResponseBase:
    """GET: the picker (or, when the LMS takes no resource links, why Baeum cannot answer). POST:
    ``do=return`` sends the chosen lessons, ``do=cancel`` or ``do=decline`` an empty answer, anything
    else (search, a page button) comes back to the picker with the choice so far."""
    teacher = require_teacher(request.user)
    entry = request.session.get(DEEP_LINK_KEY)
    try:
        if not isinstance(entry, dict):
            raise DeepLinkRefused(
                "no_request",
                _("There is no request from your LMS to answer. Start again there: add an activity and choose Baeum."),
            )
        settings = settings_read(entry.get("settings"))
        action = request.POST.get("do", "") if request.method == "POST" else ""
        if not settings.accepts_lessons:
            if action == "decline":
                wanted = ", ".join(settings.accept_types) or "-"
                return _answer(
                    request,
                    entry,
                    settings,
                    [],
                    errormsg=_("Baeum can only add lessons as LTI links, and this request did not ask for links."),
                    errorlog=f"accept_types lacks ltiResourceLink: {wanted}"[:300],
                )
            if request.method == "POST":
                raise DeepLinkRefused("no_resource_links", _("Your LMS did not ask for lessons this time."))
            return render(request, "lti/deep_link_unsupported.html", {"settings": settings})
        if action == "return":
            return _return_chosen(request, teacher, entry, settings)
        if action == "cancel":
            return _answer(request, entry, settings, [], msg=_("No lesson was added."))
    except DeepLinkRefused as error:
        return _unavailable(request, error)
    if request.method == "POST":
        filters = Filters.read(request.POST, request.POST.getlist("lesson"))
        goto = request.POST.get("goto", "1")
        filters = replace(filters, page=goto[:6] if goto.isascii() and goto.isdigit() else "1")
        query = filters.querystring()
        return redirect(reverse("lti:deep_link") + (f"?{query}" if query else ""))
    return _picker(request, teacher, settings, Filters.read(request.GET, request.GET.getlist("chosen")))
