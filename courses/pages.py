"""The library's page tree: library → course ("초등 4학년 수학") → unit → lesson, plus each teacher's
own lessons ("내 수업") under the library's teachers section. Tree rules live on the models."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.blocks import StreamValue
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page

from classrooms.grades import GRADE_CHOICES, grade_label
from courses.activities import ACTIVITY_TYPES, KINDS, lesson_body_blocks
from courses.extensions import actions_for, elsewhere_for
from edu.accounts.models import User


class LibraryIndexPage(Page):
    """The root of the curriculum library (one per site)."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CoursePage", "courses.TeachersIndexPage", "courses.SchoolLibraryPage"]
    max_count = 1

    class Meta:
        verbose_name = _("curriculum library")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from courses.selectors import courses_by_level

        context = super().get_context(request, *args, **kwargs)
        context["levels"] = courses_by_level(self)
        return context


class CoursePage(Page):
    """A subject in a grade, e.g. "초등 4학년 수학"."""

    grade = models.PositiveSmallIntegerField(_("grade"), choices=GRADE_CHOICES)
    subject_name = models.CharField(_("subject"), max_length=100, help_text=_("As shown to users, e.g. 수학"))
    curriculum_subject = models.ForeignKey(
        "courses.Subject",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("curriculum subject"),
    )
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("grade"), FieldPanel("subject_name"), FieldPanel("curriculum_subject")]),
        FieldPanel("intro"),
    ]
    parent_page_types = ["courses.LibraryIndexPage"]
    subpage_types = ["courses.UnitPage"]

    class Meta:
        verbose_name = _("course")

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade)


class UnitPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("unit")


class TeachersIndexPage(Page):
    """Holds one "my lessons" folder per teacher. Not browsable: each folder is private."""

    parent_page_types = ["courses.LibraryIndexPage"]
    subpage_types = ["courses.TeacherLessonsPage"]
    max_count = 1

    class Meta:
        verbose_name = _("teachers' lessons")

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        raise Http404


class TeacherLessonsPage(Page):
    """A teacher's own lessons (내 수업). Only its teacher can add, edit and publish here."""

    teacher = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lesson_folder", verbose_name=_("teacher")
    )

    content_panels = Page.content_panels
    parent_page_types = ["courses.TeachersIndexPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("my lessons")

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        raise Http404  # the teacher's list lives in "my lessons" (courses:my_lessons)


class SchoolLibraryPage(Page):
    """A school's shared lessons. Teachers submit lessons here; a school reviewer approves them
    (Wagtail workflow) before they are published to the school's teachers and students."""

    school = models.OneToOneField(
        "classrooms.School", on_delete=models.PROTECT, related_name="library_page", verbose_name=_("school")
    )

    content_panels = Page.content_panels
    parent_page_types = ["courses.LibraryIndexPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("school library")

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from classrooms.selectors import school_for_user

        school = school_for_user(request.user) if request.user.is_authenticated else None
        if school is None or school.pk != self.school_id:
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = LessonPage.objects.child_of(self).live().order_by("title")
        return context


@dataclass
class Slide:
    title: str
    blocks: list[Any] = field(default_factory=list)


class LessonPage(Page):
    summary = models.TextField(_("summary"), blank=True)
    minutes = models.PositiveSmallIntegerField(_("minutes"), default=40)
    grade = models.PositiveSmallIntegerField(_("grade"), choices=GRADE_CHOICES, null=True, blank=True)
    subject_name = models.CharField(_("subject"), max_length=100, blank=True)
    body = StreamField(lesson_body_blocks(), blank=True, verbose_name=_("lesson"))
    source_lesson = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adaptations",
        verbose_name=_("adapted from"),
    )
    workspace_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    shared_school = models.ForeignKey(
        "classrooms.School", null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )
    search_text = models.TextField(blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("grade"), FieldPanel("subject_name"), FieldPanel("minutes")], heading=_("About")),
        InlinePanel("standard_links", label=_("Achievement standards"), heading=_("Achievement standards")),
        FieldPanel("body"),
    ]
    parent_page_types = ["courses.UnitPage", "courses.TeacherLessonsPage", "courses.SchoolLibraryPage"]
    subpage_types: list[str] = []

    api_fields = [
        APIField("summary"),
        APIField("grade"),
        APIField("subject_name"),
        APIField("minutes"),
        APIField("standard_codes"),
        APIField("student_body"),
    ]

    class Meta:
        verbose_name = _("lesson")

    # --- derived data ------------------------------------------------------------------------

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._fill_from_tree()
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)

    def _fill_from_tree(self) -> None:
        if not self.path:
            return
        parent = Page.objects.filter(path=self.path[: -self.steplen]).specific().first()
        self.workspace_teacher_id = parent.teacher_id if isinstance(parent, TeacherLessonsPage) else None
        self.shared_school_id = parent.school_id if isinstance(parent, SchoolLibraryPage) else None
        if self.workspace_teacher_id is None and self.shared_school_id is None:
            course = CoursePage.objects.ancestor_of(self).first()
            if course is not None:
                self.grade = self.grade or course.grade
                self.subject_name = self.subject_name or course.subject_name

    def build_search_text(self) -> str:
        parts = [self.title, self.summary, self.subject_name]
        for link in self.standard_links.all():
            if link.standard_id:
                parts += [link.standard.code, link.standard.key, link.standard.content]
        for block in self.body.raw_data if isinstance(self.body, StreamValue) else []:
            kind = KINDS.get(block.get("type"))
            parts.append(_raw_text(block.get("value"), kind.secret_fields if kind is not None else frozenset()))
        return " ".join(part for part in parts if part)[:20000]

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade) if self.grade else ""

    @property
    def standard_codes(self) -> list[str]:
        return [link.standard.code for link in self.standard_links.all() if link.standard_id]

    def slides(self) -> list[Slide]:
        slides = [Slide(title=self.title)]
        for block in self.body:
            if block.block_type == "slide_break":
                slides.append(Slide(title=block.value.get("title") or ""))
            else:
                slides[-1].blocks.append(block)
        return [slide for index, slide in enumerate(slides) if slide.blocks or index == 0]

    def activities(self) -> list[Any]:
        return [block for block in self.body if block.block_type in ACTIVITY_TYPES]

    def activity(self, block_id: str) -> Any | None:
        return next((block for block in self.body if block.id == block_id), None)

    @property
    def student_body(self) -> list[dict[str, Any]]:
        """The body for API clients, with every answer key removed."""
        from courses.serializers import student_safe_body

        return student_safe_body(self.body)

    # --- serving -------------------------------------------------------------------------------

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from courses.access import lesson_visible_to

        if not lesson_visible_to(request.user, self):
            raise Http404
        if isinstance(request.user, User):
            elsewhere = elsewhere_for(request.user, self)
            if elsewhere is not None:  # e.g. no reading ahead while the class goes through it live
                return redirect(elsewhere.url)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from courses.selectors import answers_for

        context = super().get_context(request, *args, **kwargs)
        context["slides"] = self.slides()
        context["answers"] = answers_for(request.user, self)
        if request.user.is_authenticated:
            from courses.selectors import progress_of

            context["progress"] = progress_of(context["answers"], self)
        context["standards"] = [link.standard for link in self.standard_links.select_related("standard")]
        context["crumbs"] = [
            page
            for page in self.get_ancestors().specific()
            if isinstance(page, (LibraryIndexPage, CoursePage, UnitPage))
        ]
        context["labels"] = lesson_labels()
        context["actions"] = actions_for(request, self)
        return context


def lesson_labels() -> dict[str, str]:
    """Texts the lesson script shows, translated here (no user-facing strings in TypeScript)."""
    from django.utils.translation import gettext as _t

    return {
        "correct": _t("Correct!"),
        "incorrect": _t("Not quite."),
        "recorded": _t("Your answer was saved."),
        "answer": _t("Answer"),
        "error": _t("Could not save your answer. Check the connection and try again."),
        "signin": _t("Sign in to save your answers."),
        "checking": _t("Checking…"),
        "true": _t("True"),
        "false": _t("False"),
    }


def _raw_text(value: Any, secret: frozenset[str]) -> str:
    """The searchable text of a raw block value, without the fields that give its answer away."""
    if isinstance(value, str):
        return strip_tags(value)
    if isinstance(value, dict):
        return " ".join(_raw_text(v, secret) for key, v in value.items() if key not in secret)
    if isinstance(value, list):
        return " ".join(_raw_text(v, secret) for v in value)
    return ""


class LessonStandard(Orderable):
    page = ParentalKey(LessonPage, on_delete=models.CASCADE, related_name="standard_links")
    standard = models.ForeignKey(
        "courses.AchievementStandard",
        on_delete=models.CASCADE,
        related_name="lesson_links",
        verbose_name=_("achievement standard"),
    )

    panels = [FieldPanel("standard")]

    class Meta(Orderable.Meta):
        verbose_name = _("achievement standard")
        constraints = [models.UniqueConstraint(fields=["page", "standard"], name="courses_lesson_standard_unique")]
