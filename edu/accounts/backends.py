"""Authentication backend for student login codes (password sign-in stays on ModelBackend)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from edu.accounts import throttle
from edu.accounts.models import User
from edu.accounts.services import user_for_login_code


class LoginCodeBackend(ModelBackend):
    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, login_code: str | None = None, **kwargs: Any
    ) -> User | None:
        if not login_code:
            return None
        return user_for_login_code(login_code)


class TeacherPasswordBackend(ModelBackend):
    """Password sign-in for staff accounts only: a student account can never sign in by password."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if username and throttle.is_blocked("password", *throttle.password_keys(request, username)):
            return None  # counts as a failure; the sign-in page explains why
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None or getattr(user, "role", None) == "student":
            return None
        return user


@receiver(user_login_failed)
def count_password_failure(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Every failed password sign-in (our page, Wagtail's, Django admin's) counts toward the throttle."""
    username = credentials.get("username")
    if isinstance(username, str) and username:
        throttle.record_failure("password", *throttle.password_keys(request, username))
