"""The opaque ``sub`` each tool knows a Baeum user by (``ToolSubject``): made on first use, one
query for many users, and the way back from a tool's ``userId`` to a user of one class."""

from __future__ import annotations

from collections.abc import Iterable

from edu.accounts.models import User
from lti.models import ExternalTool, ToolSubject


def subjects_for(tool: ExternalTool, user_ids: Iterable[int]) -> dict[int, str]:
    """The ``sub`` of each user for ``tool``: one query when all exist, three when some are new."""
    wanted = set(user_ids)
    if not wanted:
        return {}
    found = dict(ToolSubject.objects.filter(tool=tool, user_id__in=wanted).values_list("user_id", "sub"))
    missing = wanted - found.keys()
    if missing:
        ToolSubject.objects.bulk_create(
            [ToolSubject(tool=tool, user_id=u) for u in sorted(missing)], ignore_conflicts=True
        )
        found.update(ToolSubject.objects.filter(tool=tool, user_id__in=missing).values_list("user_id", "sub"))
    return found


def subject_for(tool: ExternalTool, user: User) -> str:
    return subjects_for(tool, [user.pk])[user.pk]


def user_id_for(tool: ExternalTool, sub: str) -> int | None:
    """The Baeum user behind ``sub`` for this tool, or None (another tool's sub names nobody here)."""
    if not isinstance(sub, str) or len(sub) > 64:
        return None
    return ToolSubject.objects.filter(tool=tool, sub=sub).values_list("user_id", flat=True).first()
