"""Named operations on accounts (``<entity>_<action>``); views and commands call these."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from edu.accounts import login_codes
from edu.accounts.models import Role, User

_ISSUE_ATTEMPTS = 5


def login_code_issue(user: User) -> str:
    """Give ``user`` a fresh login code (voiding any earlier one) and return it in clear, once."""
    for _ in range(_ISSUE_ATTEMPTS):
        code = login_codes.generate()
        try:
            with transaction.atomic():
                user.login_code_digest = login_codes.digest(code)
                user.login_code_issued_at = timezone.now()
                user.save(update_fields=["login_code_digest", "login_code_issued_at"])
        except IntegrityError:  # a collision in ~1e12 codes; draw again
            continue
        return code
    raise RuntimeError("could not issue a unique login code")


def student_create(*, display_name: str, student_number: int | None = None) -> tuple[User, str]:
    """A student account with no email and no usable password; returns it with its login code."""
    user = User(
        username=f"s-{uuid.uuid4().hex[:12]}",
        role=Role.STUDENT,
        display_name=display_name,
        student_number=student_number,
    )
    user.set_unusable_password()
    user.save()
    return user, login_code_issue(user)


def user_for_login_code(code: str) -> User | None:
    raw = login_codes.normalise(code)
    if not login_codes.is_well_formed(raw):
        return None
    return (
        User.objects.filter(login_code_digest=login_codes.digest(raw), role=Role.STUDENT, is_active=True)
        .only("id", "username", "display_name", "role", "is_active", "password")
        .first()
    )


def external_account_create(*, role: str, display_name: str) -> User:
    """An account for a person another system vouches for (an LMS, by LTI): no email, no usable
    password and no login code; they reach Baeum only through that system's launches."""
    if role not in (Role.STUDENT, Role.TEACHER):
        raise ValueError(role)
    user = User(username=f"x-{uuid.uuid4().hex[:12]}", role=role, display_name=display_name[:40])
    user.set_unusable_password()
    user.save()
    return user
