"""Roster sync (Names and Role Provisioning Services) against the test platform's real membership
endpoint, paged two members at a time so every sync follows ``Link: rel="next"`` headers."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from lti_tool.models import LtiContext, LtiMembership, LtiUser

from classrooms.models import Classroom, MemberRole, Membership
from edu.accounts.models import Role, User
from lti.models import ClassLink
from lti.tool import nrps, tasks
from lti.tool.tokens import ServiceRefused, ServiceUnavailable
from tests.factories import Personas
from tests.lti.platform import INSTRUCTOR, LEARNER, TestPlatform
from tests.lti.platform.fixtures import lti_platform  # noqa: F401 - a fixture
from tests.lti.platform.state import MENTOR
from tests.lti.platform.web import HttpRequest, HttpResponse
from tests.lti.tool.launching import Registered, register_baeum

COURSE = "course-1"


@pytest.fixture
def platform(lti_platform: TestPlatform) -> Iterator[TestPlatform]:  # noqa: F811 - the imported fixture
    yield lti_platform
    assert lti_platform.errors == []


@pytest.fixture
def reg(platform: TestPlatform, personas: Personas) -> Registered:
    reg = register_baeum(platform, personas.school)
    platform.add_context(COURSE, title="4학년 수학")
    platform.add_user("teacher-1", [INSTRUCTOR], name="한선생", email="t1@school.example", contexts=[COURSE])
    platform.add_user("learner-1", [LEARNER], name="이서연", email="s1@school.example", contexts=[COURSE])
    platform.add_user("learner-2", [LEARNER], given_name="민준", family_name="김", contexts=[COURSE])
    platform.add_user("learner-3", ["Learner"], contexts=[COURSE])  # a short role name, no personal data
    platform.add_user("parent-1", [MENTOR], name="보호자", contexts=[COURSE])
    return reg


def link_class(reg: Registered, classroom: Classroom, *, limit: int = 2) -> ClassLink:
    context = LtiContext.objects.create(
        deployment=reg.deployment,
        id_on_platform=COURSE,
        memberships_url=f"{reg.platform.memberships_url(COURSE)}?limit={limit}",
    )
    return ClassLink.objects.create(context=context, classroom=classroom)


@pytest.fixture
def link(reg: Registered, personas: Personas) -> ClassLink:
    return link_class(reg, personas.classroom)


def seat(classroom: Classroom, sub: str) -> str | None:
    """The class role of the LMS member ``sub``, or None when they have no seat in the class."""
    user = LtiUser.objects.get(sub=sub).auth_user
    return Membership.objects.filter(classroom=classroom, user=user).values_list("role", flat=True).first()


def lti_active(sub: str) -> bool:
    return LtiMembership.objects.get(user__sub=sub).is_active


def intercept_memberships(platform: TestPlatform, change: Callable[[int, HttpResponse], HttpResponse]) -> None:
    """Wrap the platform's membership endpoint: ``change(call number, response)`` answers instead."""
    route = next(r for r in platform.app.router.routes if r.handler == platform.handle_memberships)
    original, calls = route.handler, [0]

    def wrapped(request: HttpRequest, context_id: str) -> HttpResponse:
        calls[0] += 1
        return change(calls[0], original(request, context_id))

    route.handler = wrapped


def test_a_sync_reads_every_page_and_seats_every_member(link: ClassLink, personas: Personas) -> None:
    native = set(Membership.objects.filter(classroom=personas.classroom).values_list("user_id", "role"))

    result = nrps.roster_sync(link)

    assert result == nrps.RosterResult(added=4, reactivated=0, deactivated=0, unchanged=0)
    classroom = personas.classroom
    assert seat(classroom, "teacher-1") == MemberRole.TEACHER
    assert [seat(classroom, s) for s in ("learner-1", "learner-2", "learner-3")] == [MemberRole.STUDENT] * 3
    assert not LtiUser.objects.filter(sub="parent-1").exists()  # a mentor has no seat in Baeum
    teacher = LtiUser.objects.get(sub="teacher-1").auth_user
    assert (teacher.role, teacher.display_name, teacher.email) == (Role.TEACHER, "한선생", "")
    learner = LtiUser.objects.get(sub="learner-1").auth_user
    assert (learner.role, learner.display_name, learner.email, learner.has_usable_password()) == (
        Role.STUDENT,
        "이서연",
        "",
        False,
    )
    assert LtiUser.objects.get(sub="learner-2").auth_user.display_name == "김 민준"
    assert LtiUser.objects.get(sub="learner-3").auth_user.display_name.startswith(("LMS 사용자", "LMS user"))
    assert native <= set(Membership.objects.filter(classroom=classroom).values_list("user_id", "role"))
    link.refresh_from_db()
    assert link.roster_synced_at is not None and link.roster_error == ""


def test_the_pages_are_followed(reg: Registered, link: ClassLink) -> None:
    nrps.roster_sync(link)
    assert reg.platform.membership_requests == 3  # five members, two a page
    assert reg.platform.tokens_issued == 1


def test_a_second_sync_with_nothing_new_changes_nothing(link: ClassLink) -> None:
    nrps.roster_sync(link)
    users = User.objects.count()
    assert nrps.roster_sync(link) == nrps.RosterResult(added=0, reactivated=0, deactivated=0, unchanged=4)
    assert User.objects.count() == users


def test_a_student_who_launched_before_keeps_their_account(
    reg: Registered, link: ClassLink, personas: Personas
) -> None:
    LtiUser.objects.create(registration=reg.registration, sub="learner-1", auth_user=personas.student)
    result = nrps.roster_sync(link)
    assert LtiUser.objects.get(sub="learner-1").auth_user == personas.student
    assert (result.added, result.unchanged) == (3, 1)  # already in the class


def test_inactive_and_missing_members_leave_the_class_and_may_come_back(
    reg: Registered, link: ClassLink, personas: Personas
) -> None:
    nrps.roster_sync(link)
    reg.platform.set_member_status(COURSE, "learner-2", "Inactive")
    reg.platform.remove_member(COURSE, "learner-3")

    result = nrps.roster_sync(link)

    assert result == nrps.RosterResult(added=0, reactivated=0, deactivated=2, unchanged=2)
    classroom = personas.classroom
    assert seat(classroom, "learner-2") is None and seat(classroom, "learner-3") is None
    assert not lti_active("learner-2") and not lti_active("learner-3") and lti_active("learner-1")
    assert LtiUser.objects.get(sub="learner-2").auth_user.is_active  # left the class, not switched off
    assert Membership.objects.filter(classroom=classroom, user=personas.student).exists()  # joined in Baeum: untouched

    reg.platform.set_member_status(COURSE, "learner-2", "Active")
    assert nrps.roster_sync(link).reactivated == 1
    assert seat(classroom, "learner-2") == MemberRole.STUDENT and lti_active("learner-2")


def test_a_teacher_dropped_by_the_lms_leaves_unless_they_are_the_last(reg: Registered, personas: Personas) -> None:
    classroom = Classroom.objects.create(school=personas.school, name="LMS 반", grade=4)
    link = link_class(reg, classroom)
    reg.platform.add_user("teacher-2", [INSTRUCTOR], name="두번째", contexts=[COURSE])
    nrps.roster_sync(link)
    reg.platform.remove_member(COURSE, "teacher-1")
    reg.platform.remove_member(COURSE, "teacher-2")

    assert nrps.roster_sync(link).deactivated == 2

    teachers = Membership.objects.filter(classroom=classroom, role=MemberRole.TEACHER)
    assert teachers.count() == 1  # the class is never left without a teacher
    assert not lti_active("teacher-1") and not lti_active("teacher-2")


def test_a_failure_on_a_later_page_changes_nothing(reg: Registered, link: ClassLink, personas: Personas) -> None:
    nrps.roster_sync(link)
    before = set(Membership.objects.values_list("classroom_id", "user_id", "role"))
    reg.platform.remove_member(COURSE, "learner-1")
    reg.platform.add_user("learner-4", [LEARNER], contexts=[COURSE])
    intercept_memberships(
        reg.platform, lambda n, response: HttpResponse.json({"error": "busy"}, 503) if n == 2 else response
    )

    with pytest.raises(ServiceUnavailable):
        nrps.roster_sync(link)

    assert set(Membership.objects.values_list("classroom_id", "user_id", "role")) == before
    assert not LtiUser.objects.filter(sub="learner-4").exists() and lti_active("learner-1")
    link.refresh_from_db()
    assert link.roster_error == "http:503"


def test_a_next_page_on_another_server_is_not_followed(reg: Registered, link: ClassLink) -> None:
    def elsewhere(n: int, response: HttpResponse) -> HttpResponse:
        response.headers = [("Link", '<http://127.0.0.2:9/steal?page=2>; rel="next"')]
        return response

    intercept_memberships(reg.platform, elsewhere)
    with pytest.raises(ServiceRefused) as refused:
        nrps.roster_sync(link)
    assert refused.value.reason == "foreign_link"
    assert not Membership.objects.filter(user__lti_users__sub="teacher-1").exists()


def test_a_course_without_a_roster_service_says_so(link: ClassLink) -> None:
    LtiContext.objects.filter(pk=link.context_id).update(memberships_url="")
    link.context.refresh_from_db()
    with pytest.raises(ServiceRefused):
        nrps.roster_sync(link)
    link.refresh_from_db()
    assert link.roster_error == "no_roster"


def test_the_task_syncs_and_an_instructor_launch_soon_after_does_not_again(reg: Registered, link: ClassLink) -> None:
    assert tasks.sync_roster(link.pk).startswith("synced")
    assert tasks.sync_roster(link.pk) == "recent"
    assert tasks.sync_roster(link.pk, force=True).startswith("synced")  # the teacher's "sync now"
    assert reg.platform.membership_requests == 6
    assert tasks.sync_roster(10**9) == "gone"


def test_roster_parse_keeps_what_a_seat_needs() -> None:
    listed = nrps.roster_parse(
        [
            {"user_id": "a", "roles": ["Instructor"], "status": "Active", "name": "가", "email": "a@x.example"},
            {"user_id": "b", "roles": [], "status": "Inactive"},
            {"user_id": "c", "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"]},
            {"user_id": "", "roles": ["Learner"]},
            {"roles": ["Learner"]},
            {"user_id": "d", "roles": "Learner"},
        ]
    )
    assert {sub: (m.role, m.active) for sub, m in listed.items()} == {
        "a": ("teacher", True),
        "b": ("student", False),
        "d": ("student", True),
    }
    assert "email" not in listed["a"].claims
