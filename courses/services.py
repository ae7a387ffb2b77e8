"""Named operations on the library: setting it up, teachers' folders, copying lessons (교사 재구성)
and answering activities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from classrooms.models import School
from classrooms.selectors import school_for_user
from courses import activities, checking
from courses.answers import LessonAnswer
from courses.pages import LessonPage, LibraryIndexPage, SchoolLibraryPage, TeacherLessonsPage, TeachersIndexPage
from courses.recording import record_lesson_answer
from edu.accounts.models import Role, User
from edu.errors import DomainError

TEACHERS_GROUP = "Teachers"


def library_root_ensure() -> LibraryIndexPage:
    """The library index under Wagtail's root, served as the default site's home (/library/)."""
    library = LibraryIndexPage.objects.first()
    if library is None:
        root = Page.get_first_root_node()
        library = LibraryIndexPage(title="교육과정 라이브러리", slug="library", intro="")
        root.add_child(instance=library)
        library.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=library, is_default_site=True, site_name="Baeum")
    elif site.root_page_id != library.pk:
        site.root_page = library
        site.save()
    # Wagtail's default "Moderators approval" workflow sits on the tree root and would ask every
    # teacher to submit their own lessons for moderation. Review applies where we assign it: the
    # school libraries (school_library_ensure). Official library editors publish directly.
    WorkflowPage.objects.filter(page__depth=1).delete()
    if not TeachersIndexPage.objects.exists():
        teachers = TeachersIndexPage(title="선생님 수업", slug="teachers", live=True)
        library.add_child(instance=teachers)
    return library


def teachers_group_ensure() -> Group:
    """What every teacher may do in the admin: open it, choose standards and images."""
    group, _created = Group.objects.get_or_create(name=TEACHERS_GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="courses", codename="view_achievementstandard"),
    )
    root_collection = Collection.get_first_root_node()
    for codename in ("add_image", "choose_image"):
        GroupCollectionPermission.objects.get_or_create(
            group=group,
            collection=root_collection,
            permission=Permission.objects.get(content_type__app_label="wagtailimages", codename=codename),
        )
    return group


def teacher_folder_ensure(teacher: User) -> TeacherLessonsPage:
    """The teacher's "my lessons" folder, and a group that may add, edit and publish only there."""
    if not teacher.is_teacher:
        raise DomainError("forbidden", _("Only teachers have their own lessons."))
    folder = TeacherLessonsPage.objects.filter(teacher=teacher).first()
    with transaction.atomic():
        if folder is None:
            parent = TeachersIndexPage.objects.first()
            if parent is None:
                library_root_ensure()
                parent = TeachersIndexPage.objects.get()
            folder = TeacherLessonsPage(
                title=_("%(name)s's lessons") % {"name": teacher.get_full_name()},
                slug=f"t{teacher.pk}",
                teacher=teacher,
                owner=teacher,
                live=True,
            )
            parent.add_child(instance=folder)
        own, _created = Group.objects.get_or_create(name=f"Teacher {teacher.pk} lessons")
        for codename in ("add_page", "change_page", "publish_page"):
            GroupPagePermission.objects.get_or_create(
                group=own,
                page=folder,
                permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
            )
        teacher.groups.add(own, teachers_group_ensure())
        # School groups follow the teacher's current school and role; stale ones are removed.
        teacher.groups.remove(*teacher.groups.filter(name__startswith="School "))
        school = school_for_user(teacher)
        if school is not None:
            school_library_ensure(school)
            teacher.groups.add(Group.objects.get(name=_school_group(school, "teachers")))
            if teacher.role == Role.SCHOOL_ADMIN:
                teacher.groups.add(Group.objects.get(name=_school_group(school, "reviewers")))
    return folder


def _page_permission(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)


def _school_group(school: School, kind: str) -> str:
    return f"School {school.pk} {kind}"


def school_library_ensure(school: School) -> SchoolLibraryPage:
    """The school's shared library with its review workflow: teachers may add lessons and submit
    them for review; the school's reviewers (school admins) approve and publish."""
    page = SchoolLibraryPage.objects.filter(school=school).first()
    with transaction.atomic():
        if page is None:
            library = library_root_ensure()
            page = SchoolLibraryPage(
                title=_("%(school)s shared lessons") % {"school": school.name},
                slug=f"school-{school.pk}",
                school=school,
                live=True,
            )
            library.add_child(instance=page)
        teachers, _created = Group.objects.get_or_create(name=_school_group(school, "teachers"))
        reviewers, _created = Group.objects.get_or_create(name=_school_group(school, "reviewers"))
        for group, codenames in ((teachers, ["add_page"]), (reviewers, ["add_page", "change_page", "publish_page"])):
            for codename in codenames:
                GroupPagePermission.objects.get_or_create(group=group, page=page, permission=_page_permission(codename))
        reviewers.permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        )
        workflow, created = Workflow.objects.get_or_create(name=f"School {school.pk} review")
        if created:
            task = GroupApprovalTask.objects.create(name=f"School {school.pk} reviewers")
            task.groups.set([reviewers])
            WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
    return page


def lesson_share(*, lesson: LessonPage, teacher: User) -> LessonPage:
    """Submit a copy of the teacher's own lesson to the school's shared library for review."""
    school = school_for_user(teacher)
    if school is None:
        raise DomainError("no_school", _("Your account is not linked to a school yet. Ask your school admin."))
    if lesson.workspace_teacher_id != teacher.pk:
        raise DomainError("forbidden", _("You can share only your own lessons."))
    with transaction.atomic():
        shared = _copy_as_draft(lesson, school_library_ensure(school), teacher)
        workflow = shared.get_workflow()
        if workflow is None:
            raise DomainError("no_workflow", _("The school library has no review workflow."))
        workflow.start(shared, teacher)
    return shared


def _free_slug(parent: Page, base: str) -> str:
    base = slugify(base, allow_unicode=True)[:60] or "lesson"
    taken = set(parent.get_children().values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _copy_as_draft(lesson: LessonPage, parent: Page, teacher: User) -> LessonPage:
    """A draft copy of ``lesson`` under ``parent``, owned by ``teacher``, remembering its source."""
    copy = lesson.copy(
        to=parent,
        update_attrs={
            "slug": _free_slug(parent, lesson.slug),
            "source_lesson": lesson,
            "owner": teacher,
            "live": False,
        },
        keep_live=False,
        user=teacher,
        copy_revisions=False,
    ).specific
    copy.save_revision(user=teacher, log_action=False)
    return copy


def lesson_copy(*, lesson: LessonPage, teacher: User) -> LessonPage:
    """Copy a lesson into the teacher's own lessons (교사 재구성) as a draft."""
    folder = teacher_folder_ensure(teacher)
    with transaction.atomic():
        return _copy_as_draft(lesson, folder, teacher)


@dataclass(frozen=True)
class AnswerResult:
    answer: LessonAnswer
    verdict: checking.Verdict


REVEAL_AFTER_ATTEMPTS = 2


def answer_submit(*, user: User, lesson: LessonPage, block_id: str, answer: Any) -> AnswerResult:
    """Check an answer on the server and keep it (one row per student and activity). Students may
    retry; the answer key is revealed when they are right or after REVEAL_AFTER_ATTEMPTS tries,
    and from then on later answers are kept but no longer change the score. The learning record
    follows the row in the same transaction."""
    block = lesson.activity(block_id) if isinstance(block_id, str) else None
    if block is None or not activities.is_activity(block.block_type):
        raise DomainError("unknown_activity", _("This question is not part of the lesson."))
    verdict = activities.check(block.block_type, block.value, answer)
    with transaction.atomic():
        stored, created = LessonAnswer.objects.select_for_update().get_or_create(
            user=user,
            lesson=lesson,
            block_id=block_id,
            defaults={
                "kind": block.block_type,
                "answer": verdict.stored,
                "correct": verdict.correct,
                "score": verdict.score,
                "max_score": verdict.max_score,
                "revealed": verdict.correct is not False,
            },
        )
        if not created:
            stored.answer, stored.attempts = verdict.stored, stored.attempts + 1
            if not stored.revealed:
                stored.correct, stored.score, stored.max_score = verdict.correct, verdict.score, verdict.max_score
                stored.revealed = verdict.correct is not False or stored.attempts >= REVEAL_AFTER_ATTEMPTS
            stored.save()
        record_lesson_answer(stored=stored, user=user, lesson=lesson)
    return AnswerResult(stored, verdict)
