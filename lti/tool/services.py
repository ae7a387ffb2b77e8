"""What a valid launch does in Baeum: the LMS user becomes (or is) a Baeum account keyed on
(issuer, sub), the LMS course a class of the deployment's school, the resource link an assignment
of its lesson in that class. All in one transaction: a launch that fails leaves nothing behind."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from lti_tool.models import LtiContext, LtiMembership, LtiResourceLink, LtiUser

from classrooms.assignments.models import Assignment
from classrooms.models import Classroom, LiveSession, MemberRole, Membership, School, SchoolMembership, SessionState
from courses.access import lesson_visible_to
from courses.pages import LessonPage
from edu.accounts.models import Role, User
from edu.accounts.services import external_account_create
from lti.models import AssignmentLink, ClassLink
from lti.tool import checks
from lti.tool.checks import LaunchRejected
from lti.tool.validation import ValidLaunch

AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
LESSON_PARAM = "baeum_lesson"


@dataclass(frozen=True)
class Launched:
    user: User
    role: str  # checks.TEACHER or checks.STUDENT
    classroom: Classroom | None
    link: AssignmentLink | None


def display_name(claims: dict[str, Any]) -> str:
    """The name the LMS sends (full name, else given and family names); without one, a neutral
    label with a short, stable suffix. An email is never stored nor shown (students are minors)."""
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [claims.get("family_name"), claims.get("given_name")]  # Korean order: family first
        name = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    if name:
        return name.strip()[:40]
    suffix = hashlib.sha256(str(claims.get("sub")).encode()).hexdigest()[:4].upper()
    return _("LMS user %(suffix)s") % {"suffix": suffix}


def _upsert(model: Any, lookup: dict[str, Any], defaults: dict[str, Any]) -> Any:
    """``update_or_create`` that writes only when something changed (a returning launch reads)."""
    row, created = model.objects.get_or_create(**lookup, defaults=defaults)
    if not created:
        changed = [name for name, value in defaults.items() if getattr(row, name) != value]
        if changed:
            for name in changed:
                setattr(row, name, defaults[name])
            row.save(update_fields=changed)
    return row


def _account(valid: ValidLaunch, role: str, school: School) -> tuple[LtiUser, User]:
    claims = valid.claims
    lti_user, _created = LtiUser.objects.select_for_update().get_or_create(
        registration=valid.registration, sub=claims["sub"]
    )
    name = display_name(claims)
    user = lti_user.auth_user
    if user is None:
        # One account per (issuer, sub): the same person reached through another registration of
        # the same LMS (another client id) keeps the account they have.
        known = (  # and the same keys: another school's admin registering this issuer with their own keys gets nobody
            LtiUser.objects.filter(
                registration__issuer=valid.registration.issuer,
                registration__keyset_url=valid.registration.keyset_url,
                sub=claims["sub"],
            )
            .exclude(auth_user=None)
            .select_related("auth_user")
            .first()
        )
        user = known.auth_user if known is not None else None
        if user is None:
            user = external_account_create(
                role=Role.TEACHER if role == checks.TEACHER else Role.STUDENT, display_name=name
            )
        lti_user.auth_user = user
        lti_user.save(update_fields=["auth_user", "datetime_modified"])
        SchoolMembership.objects.get_or_create(user=user, defaults={"school": school})
    else:
        changed = []  # the account's role stays as first made: teaching one LMS course (a sandbox, a
        # group space) must not make a student a Baeum teacher everywhere; a school admin can change it
        sent_a_name = claims.get("name") or claims.get("given_name") or claims.get("family_name")
        if sent_a_name and user.display_name != name:
            user.display_name = name
            changed.append("display_name")
        if changed:
            user.save(update_fields=changed)
    return lti_user, user


def _class_name(context: dict[str, Any], school: School, year: int) -> str:
    base = str(context.get("title") or context.get("label") or _("LMS course")).strip()[:50]
    name, n = base, 1
    while Classroom.objects.filter(school=school, school_year=year, name=name).exists():
        n += 1
        name = f"{base[:55]} ({n})"
    return name


def _classroom(
    valid: ValidLaunch, school: School, lti_user: LtiUser, user: User, role: str, grade: int
) -> Classroom | None:
    context = valid.claims.get(checks.CONTEXT)
    if not isinstance(context, dict):
        return None
    ags = valid.claims.get(AGS) or {}
    nrps = valid.claims.get(NRPS) or {}
    defaults: dict[str, Any] = {
        "title": str(context.get("title", ""))[:500],
        "label": str(context.get("label", ""))[:255],
    }
    loopback = settings.LTI_ALLOW_HTTP_LOOPBACK
    if isinstance(nrps, dict):
        memberships = checks.service_url(nrps.get("context_memberships_url"), max_length=200, http_loopback=loopback)
        if memberships is not None:
            defaults["memberships_url"] = memberships
    if isinstance(ags, dict):
        scopes = ags.get("scope") or []
        scopes = scopes if isinstance(scopes, list) else []
        lineitems = checks.service_url(ags.get("lineitems"), max_length=200, http_loopback=loopback)
        if lineitems is not None:
            defaults["lineitems_url"] = lineitems
        defaults.update(
            can_query_lineitems="https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly" in scopes
            or "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem" in scopes,
            can_manage_lineitems="https://purl.imsglobal.org/spec/lti-ags/scope/lineitem" in scopes,
            can_publish_scores="https://purl.imsglobal.org/spec/lti-ags/scope/score" in scopes,
            can_access_results="https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly" in scopes,
        )
    lti_context = _upsert(LtiContext, {"deployment": valid.deployment, "id_on_platform": context["id"][:255]}, defaults)
    _upsert(
        LtiMembership,
        {"user": lti_user, "context": lti_context},
        {"is_instructor": role == checks.TEACHER, "is_learner": role == checks.STUDENT, "is_active": True},
    )
    link = ClassLink.objects.select_related("classroom").filter(context=lti_context).first()
    if link is None:
        classroom = Classroom(school=school, grade=grade)
        classroom.name = _class_name(context, school, classroom.school_year)
        classroom.save()
        link = ClassLink.objects.create(context=lti_context, classroom=classroom)
    classroom = link.classroom
    member_role = MemberRole.TEACHER if role == checks.TEACHER else MemberRole.STUDENT
    _upsert(Membership, {"classroom": classroom, "user": user}, {"role": member_role})
    link.classroom.lti_context = lti_context  # type: ignore[attr-defined]  # saves a query for the link
    return classroom


def _lesson(valid: ValidLaunch) -> LessonPage | None:
    custom = valid.claims.get(checks.CUSTOM) or {}
    raw = custom.get(LESSON_PARAM) if isinstance(custom, dict) else None
    if raw is None or not (str(raw).isascii() and str(raw).isdigit()) or len(str(raw)) > 12:
        return None
    return LessonPage.objects.live().filter(pk=int(raw)).first()


def _assignment_link(
    valid: ValidLaunch, classroom: Classroom | None, user: User, role: str, lesson: LessonPage | None
) -> AssignmentLink | None:
    claim = valid.claims[checks.RESOURCE_LINK]
    if classroom is None:
        return None
    lti_context = getattr(classroom, "lti_context", None) or classroom.lti_link.context
    resource_link = _upsert(
        LtiResourceLink,
        {"context": lti_context, "id_on_platform": claim["id"][:255]},
        {"title": str(claim.get("title") or "")[:500], "description": str(claim.get("description") or "")},
    )
    link, _created = AssignmentLink.objects.select_for_update().get_or_create(resource_link=resource_link)
    ags = valid.claims.get(AGS) or {}
    lineitem = (
        checks.service_url(ags.get("lineitem"), max_length=500, http_loopback=settings.LTI_ALLOW_HTTP_LOOPBACK)
        if isinstance(ags, dict)
        else None
    )
    changed = []
    if lineitem is not None and link.lineitem_url != lineitem:
        link.lineitem_url = lineitem
        changed.append("lineitem_url")
    teacher = user if role == checks.TEACHER else _a_teacher(classroom)
    if lesson is not None and not lesson_visible_to(teacher or AnonymousUser(), lesson):
        lesson = None  # a private lesson of someone else is not linked, not even by its id
    if link.lesson_id is None and lesson is not None:
        link.lesson = lesson
        changed.append("lesson")
    chosen = link.lesson
    if link.assignment_id is None and chosen is not None and teacher is not None and lesson_visible_to(teacher, chosen):
        link.assignment = Assignment.objects.create(
            classroom=classroom, lesson=chosen, assigned_by=teacher, title=chosen.title[:255]
        )
        changed.append("assignment")
    if changed:
        link.save(update_fields=changed)
    return link


def _a_teacher(classroom: Classroom) -> User | None:
    membership = Membership.objects.filter(classroom=classroom, role=MemberRole.TEACHER).select_related("user").first()
    return membership.user if membership is not None else None


def launch_accept(valid: ValidLaunch) -> Launched:
    """Map the launch onto Baeum (see the module's docstring); raises ``LaunchRejected``."""
    school_link = getattr(valid.deployment, "baeum", None)
    if school_link is None:
        raise LaunchRejected(
            "no_school",
            _("This LMS deployment is not attached to a Baeum school yet. Ask your Baeum admin."),
            status=403,
        )
    role = checks.class_role(valid.claims[checks.ROLES])
    lesson = _lesson(valid)
    grade = lesson.grade if lesson is not None and lesson.grade else 1
    with transaction.atomic():
        lti_user, user = _account(valid, role, school_link.school)
        if not user.is_active:
            raise LaunchRejected("inactive", _("This Baeum account is switched off."), status=403)
        if role == checks.TEACHER and not user.is_teacher:
            role = checks.STUDENT  # a student account teaches nowhere in Baeum, whatever one course says
        classroom = _classroom(valid, school_link.school, lti_user, user, role, grade)
        link = None
        if valid.message_type == checks.RESOURCE_LINK_REQUEST:
            link = _assignment_link(valid, classroom, user, role, lesson)
    return Launched(user, role, classroom, link)


def landing_url(launched: Launched) -> str:
    """Where the launch takes the person: a student to the live session their class is running, or
    to the lesson; a teacher to the link's page (its scores, roster and a button to teach it live)."""
    link = launched.link
    if launched.role == checks.TEACHER:
        if link is not None:
            return reverse("lti:link", args=[link.pk])
        return reverse("home")
    if launched.classroom is not None:
        running = (
            LiveSession.objects.filter(classroom=launched.classroom)
            .exclude(state__in=[SessionState.ENDED])
            .order_by("-pk")
            .first()
        )
        if running is not None:
            return reverse("live:student", args=[running.pk])
    if link is not None and link.lesson is not None:
        return link.lesson.url or reverse("home")
    return reverse("lti:waiting")
