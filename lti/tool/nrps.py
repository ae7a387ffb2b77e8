"""Names and Role Provisioning Services 2.0: the linked class's roster, as the LMS keeps it.

``roster_sync`` reads every page of the context's membership container (following the
``Link: <…>; rel="next"`` headers, at most ``MAX_PAGES``), then applies it in one transaction, so a
failure on any page changes nothing. For each member the LMS lists as Active: an ``LtiUser`` keyed
on (registration, sub), a Baeum account made through ``external_account_create`` (the name as the
LMS sends it, never an email), the class membership (teacher or student by ``checks.class_role``; a
member who is only a mentor is skipped) and an active ``LtiMembership``.

A member the LMS lists as Inactive (or Deleted), or no longer lists, is deactivated: their
``LtiMembership`` becomes inactive and they leave the Baeum class. Decision: teachers leave too
(a teacher dropped from the LMS course should no longer see its students' work), except the
class's last teacher, who stays so that the class is never left without one. People who joined
the class in Baeum itself, not from this LMS, have no ``LtiMembership`` here and are never touched.
A student who leaves is not switched off (unlike ``classrooms.services.student_remove``): the LMS
may enrol them again, and their next launch must work."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from django.db import transaction
from django.utils import timezone
from lti_tool.models import LtiMembership, LtiRegistration, LtiUser

from classrooms.models import MemberRole, Membership, SchoolMembership
from edu.accounts.models import Role, User
from edu.accounts.services import external_account_create
from lti.models import ClassLink
from lti.tool import checks
from lti.tool.checks import LaunchRejected
from lti.tool.services import display_name
from lti.tool.tokens import SCOPE_NRPS, ServiceError, ServiceRefused, service_request

log = logging.getLogger("baeum.lti")

MEMBERSHIPS_MEDIA = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MAX_PAGES = 100
CHUNK = 500


@dataclass(frozen=True)
class RosterResult:
    """Active members new to the class, back after a deactivation, deactivated now (inactive or
    missing in the LMS), and already seated (a role the LMS changed is updated and counted here)."""

    added: int = 0
    reactivated: int = 0
    deactivated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class Listed:
    """One member as the LMS lists them."""

    sub: str
    role: str  # checks.TEACHER or checks.STUDENT
    active: bool
    claims: dict[str, Any]  # name, given_name, family_name (display_name reads these)


def _origin(url: str) -> tuple[str, str]:
    parts = checks.split_url(url)  # a malformed next-page address matches no origin: not followed
    return (parts.scheme, parts.netloc) if parts is not None else ("", "")


def roster_fetch(registration: LtiRegistration, url: str) -> list[dict[str, Any]]:
    """Every member on every page. Raises ``ServiceError`` (a roster longer than MAX_PAGES too: an
    incomplete roster would deactivate everyone on the pages not read)."""
    members: list[dict[str, Any]] = []
    origin, next_url = _origin(url), url
    seen: set[str] = set()
    while next_url:
        if len(seen) >= MAX_PAGES:
            raise ServiceRefused("roster_too_long")
        seen.add(next_url)
        response = service_request(registration, [SCOPE_NRPS], "GET", next_url, accept=MEMBERSHIPS_MEDIA)
        try:
            page = response.json().get("members")
        except (ValueError, AttributeError):
            page = None
        if not isinstance(page, list):
            raise ServiceRefused("bad_response")
        members.extend(m for m in page if isinstance(m, dict))
        link = response.links.get("next", {}).get("url")
        next_url = urljoin(next_url, link) if link else ""
        if next_url and _origin(next_url) != origin:  # the bearer token goes only where the roster is
            raise ServiceRefused("foreign_link")
        if next_url in seen:
            break
    return members


def roster_parse(members: Iterable[dict[str, Any]]) -> dict[str, Listed]:
    """Members by sub; a member without a user id, or only a mentor, is left out."""
    listed: dict[str, Listed] = {}
    for member in members:
        sub, roles = member.get("user_id"), member.get("roles")
        if not isinstance(sub, str) or not sub or len(sub) > 255:
            continue
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            roles = []
        try:
            role = checks.class_role(roles)
        except LaunchRejected:  # a mentor (parent, observer): Baeum has no seat for them
            continue
        names = {k: member[k] for k in ("name", "given_name", "family_name") if isinstance(member.get(k), str)}
        listed[sub] = Listed(sub, role, member.get("status", "Active") == "Active", {"sub": sub, **names})
    return listed


def _lti_users(registration: LtiRegistration, subs: list[str]) -> dict[str, LtiUser]:
    found: dict[str, LtiUser] = {}
    for start in range(0, len(subs), CHUNK):
        chunk = subs[start : start + CHUNK]
        found.update(
            (u.sub, u)
            for u in LtiUser.objects.select_for_update(of=("self",))
            .select_related("auth_user")
            .filter(registration=registration, sub__in=chunk)
        )
    return found


def _account(lti_user: LtiUser, member: Listed, school_id: int) -> User:
    """The member's Baeum account, made as a launch makes it (services._account) when new."""
    user = lti_user.auth_user
    name = display_name(member.claims)
    if user is None:
        role = Role.TEACHER if member.role == checks.TEACHER else Role.STUDENT
        user = external_account_create(role=role, display_name=name)
        lti_user.auth_user = user
        lti_user.save(update_fields=["auth_user", "datetime_modified"])
        SchoolMembership.objects.get_or_create(user=user, defaults={"school_id": school_id})
        return user
    changed = []  # the account's role stays as first made (see lti.tool.services._account)
    if len(member.claims) > 1 and user.display_name != name:  # the LMS sent a name
        user.display_name = name
        changed.append("display_name")
    if changed:
        user.save(update_fields=changed)
    return user


def _apply(link: ClassLink, registration: LtiRegistration, listed: dict[str, Listed]) -> RosterResult:
    classroom, context = link.classroom, link.context
    active = {sub: m for sub, m in listed.items() if m.active}
    lti_users = _lti_users(registration, sorted(active))
    lti_members = {m.user_id: m for m in LtiMembership.objects.select_related("user").filter(context=context)}
    class_members = {m.user_id: m for m in Membership.objects.select_for_update().filter(classroom=classroom)}
    added = reactivated = unchanged = 0
    for sub, member in active.items():
        lti_user = lti_users.get(sub) or LtiUser.objects.create(registration=registration, sub=sub)
        user = _account(lti_user, member, classroom.school_id)
        before = lti_members.get(lti_user.pk)
        flags = {"is_instructor": member.role == checks.TEACHER, "is_learner": member.role == checks.STUDENT}
        LtiMembership.objects.update_or_create(user=lti_user, context=context, defaults={**flags, "is_active": True})
        teaches = member.role == checks.TEACHER and user.is_teacher  # a student account teaches nowhere
        role = MemberRole.TEACHER if teaches else MemberRole.STUDENT
        seat = class_members.get(user.pk)
        if seat is None:
            class_members[user.pk] = Membership.objects.create(classroom=classroom, user=user, role=role)
            if before is not None and not before.is_active:
                reactivated += 1
            else:
                added += 1
        else:
            if seat.role != role:
                seat.role = role
                seat.save(update_fields=["role"])
            unchanged += 1
    gone = [m for m in lti_members.values() if m.is_active and m.user.sub not in active]
    teachers = sum(1 for m in class_members.values() if m.role == MemberRole.TEACHER)
    for lti_member in gone:
        lti_member.is_active = False
        lti_member.save(update_fields=["is_active", "datetime_modified"])
        seat = class_members.get(lti_member.user.auth_user_id) if lti_member.user.auth_user_id else None
        if seat is None:
            continue
        if seat.role == MemberRole.TEACHER:
            if teachers <= 1:
                continue  # the last teacher stays (see the module docstring)
            teachers -= 1
        seat.delete()
    return RosterResult(added, reactivated, len(gone), unchanged)


def roster_sync(link: ClassLink) -> RosterResult:
    """Sync the linked class with the LMS's roster (see the module docstring). On success the link
    records when; on failure it records the reason (``tokens.reason_text`` words it) and the
    ``ServiceError`` is raised again, with nothing changed."""
    context = link.context
    registration = context.deployment.registration
    try:
        if not context.memberships_url:
            raise ServiceRefused("no_roster")
        listed = roster_parse(roster_fetch(registration, context.memberships_url))
        with transaction.atomic():
            ClassLink.objects.select_for_update().filter(pk=link.pk).first()  # one sync of a class at a time
            result = _apply(link, registration, listed)
            link.roster_synced_at, link.roster_error = timezone.now(), ""
            link.save(update_fields=["roster_synced_at", "roster_error"])
    except ServiceError as error:
        log.warning("lti roster sync of class link %s failed: %s", link.pk, error.reason)
        link.roster_error = error.reason[:300]
        ClassLink.objects.filter(pk=link.pk).update(roster_error=link.roster_error)
        raise
    log.info("lti roster sync of class link %s: %s", link.pk, result)
    return result
