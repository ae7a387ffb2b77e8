"""Small typed readers for environment variables that fail loudly on a bad value.

Every setting Baeum reads from the environment goes through one of these helpers, so a typo in
production (``DEBUG=ture``, a malformed ``DATABASE_URL``) stops start-up with a message naming the
variable instead of silently falling back to a default.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Env:
    """Reads variables from a mapping (``os.environ`` by default; tests pass a dict)."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def _raw(self, name: builtins.str) -> builtins.str | None:
        value = self.environ.get(name)
        return None if value is None else value.strip()

    def str(self, name: builtins.str, default: builtins.str = "") -> builtins.str:
        value = self._raw(name)
        return default if value is None or value == "" else value

    def bool(self, name: builtins.str, default: builtins.bool = False) -> builtins.bool:
        value = self._raw(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use 1/0, true/false, yes/no or on/off.")

    def int(
        self,
        name: builtins.str,
        default: builtins.int,
        *,
        minimum: builtins.int | None = None,
        maximum: builtins.int | None = None,
    ) -> builtins.int:
        value = self._raw(name)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name}={number} is below the minimum of {minimum}.")
        if maximum is not None and number > maximum:
            raise ImproperlyConfigured(f"{name}={number} is above the maximum of {maximum}.")
        return number

    def list(
        self, name: builtins.str, default: builtins.list[builtins.str] | None = None
    ) -> builtins.list[builtins.str]:
        value = self._raw(name)
        if value is None or value == "":
            return list(default or [])
        return [item.strip() for item in value.split(",") if item.strip()]

    def choice(self, name: builtins.str, choices: tuple[builtins.str, ...], default: builtins.str) -> builtins.str:
        value = self.str(name, default)
        if value not in choices:
            raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}.")
        return value

    def url(self, name: builtins.str, schemes: tuple[builtins.str, ...], default: builtins.str = "") -> builtins.str:
        """A URL whose scheme is one of ``schemes`` and which names a host (or a path for sqlite)."""
        value = self.str(name, default)
        if not value:
            return ""
        parts = urlsplit(value)
        if parts.scheme not in schemes:
            raise ImproperlyConfigured(
                f"{name} must start with one of {', '.join(s + '://' for s in schemes)} (got scheme {parts.scheme!r})."
            )
        try:
            parts.port  # noqa: B018 - raises ValueError on a malformed port
        except ValueError:
            raise ImproperlyConfigured(f"{name} has a malformed port.") from None
        if parts.scheme != "sqlite" and not parts.hostname:
            raise ImproperlyConfigured(f"{name} names no host.")
        return value

    def database(self, name: builtins.str, default: dict[builtins.str, Any]) -> dict[builtins.str, Any]:
        """Django DATABASES['default'] from a URL (PostgreSQL or SQLite), or ``default``."""
        import dj_database_url

        url = self.url(name, ("postgres", "postgresql", "sqlite"))
        if not url:
            return default
        if url.startswith(("postgres://", "postgresql://")) and not urlsplit(url).path.strip("/"):
            raise ImproperlyConfigured(f"{name} names no database (add /<name> after the host).")
        try:
            config: dict[builtins.str, Any] = dict(dj_database_url.parse(url))
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name} could not be parsed: {exc}") from None
        return config


def read_or_create_secret(path: os.PathLike[str] | str) -> str:
    """The embedded default's SECRET_KEY: random on first start, then kept in ``var/`` (mode 0600)."""
    from pathlib import Path

    from django.core.management.utils import get_random_secret_key

    file = Path(path)
    if file.exists():
        return file.read_text().strip()
    file.parent.mkdir(parents=True, exist_ok=True)
    secret = get_random_secret_key()
    try:
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secret)
    return secret
