"""Names and Role Provisioning Services 2.0 on Baeum's side: a class's roster as a membership
container (NRPS §2.3), for a tool ``service_access`` let into the class.

Members are named by the ``sub`` the tool knows them by (made for the whole page at once), with
the roles a launch gives them (``claims.roles_for``: a teacher is an Instructor, a student a
Learner); names only when the tool's privacy setting allows it, as in launches; emails never.
A constant number of queries whatever the size of the class."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from classrooms.models import Classroom, MemberRole, Membership
from lti.platform.claims import name_parts, roles_for
from lti.platform.service_access import ServiceAccess
from lti.platform.service_http import Paging, absolute_url
from lti.platform.subjects import subjects_for

ROLES_OF = {role: roles_for(teacher=role == MemberRole.TEACHER) for role in MemberRole}


def _has_role(roles: tuple[str, ...], wanted: str) -> bool:
    """``wanted`` is one of ``roles``, as a full URI or as the short name of a context role
    ("Learner", "Instructor": NRPS §2.4.2 lets a tool use either). Compared without case: some
    tools lower-case the whole ``Link`` header, next page's filter included (pylti1p3 does)."""
    wanted = wanted.lower()
    return any(role.lower() == wanted or role.lower().endswith(f"membership#{wanted}") for role in roles)


def member_roles_for(role: str) -> list[str]:
    """The membership roles (``MemberRole``) whose LTI roles include ``role`` (all of them when empty)."""
    if not role:
        return list(MemberRole)
    return [member_role for member_role, roles in ROLES_OF.items() if _has_role(roles, role)]


def context_json(classroom: Classroom) -> dict[str, str]:
    return {"id": str(classroom.pk), "label": classroom.name, "title": str(classroom)}


@dataclass(frozen=True)
class MembersPage:
    members: list[dict[str, Any]]
    has_next: bool
    last_key: int


def _member_json(membership: Membership, sub: str, send_names: bool) -> dict[str, Any]:
    member: dict[str, Any] = {"status": "Active", "user_id": sub, "roles": list(ROLES_OF[MemberRole(membership.role)])}
    if send_names:
        member.update(name_parts(membership.user.display_name))
    return member


def members_page(access: ServiceAccess, role: str, paging: Paging) -> MembersPage:
    """One page of the class's members with ``role`` (any when empty), in the order they joined."""
    wanted = member_roles_for(role)
    if not wanted:
        return MembersPage([], False, 0)
    found = Membership.objects.filter(classroom=access.classroom, role__in=wanted, pk__gt=paging.after)
    if access.tool.send_names:
        found = found.select_related("user")
    rows = list(found.order_by("pk")[: paging.limit + 1])
    shown = rows[: paging.limit]
    subs = subjects_for(access.tool, {m.user_id for m in shown})
    members = [_member_json(m, subs[m.user_id], access.tool.send_names) for m in shown]
    return MembersPage(members, len(rows) > paging.limit, shown[-1].pk if shown else 0)


def memberships_url(classroom_id: int) -> str:
    return absolute_url("memberships", classroom_id)
