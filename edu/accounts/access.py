"""Who is asking: the signed-in user of a request and the role checks that are not about one
class. The per-class and per-session helpers build on these (classrooms.access, classrooms.live.access)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from edu.accounts.models import User

AnyUser = User | AnonymousUser


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, known to be signed in (views are behind login_required)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def require_teacher(user: AnyUser) -> User:
    if not (isinstance(user, User) and user.is_teacher):
        raise PermissionDenied
    return user
