"""The authentication backend named in a launched person's session. It authenticates nobody by
itself (``authenticate`` always answers None): only a validated launch signs someone in with it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class LtiLaunchBackend(ModelBackend):
    def authenticate(self, request: Any, **credentials: Any) -> None:  # type: ignore[override]
        return None
