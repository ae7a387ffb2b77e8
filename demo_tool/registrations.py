"""The platforms the demo tool is registered with: a JSON file in the data directory, written
atomically (a temporary file renamed into place, under a lock file) by the tool's dynamic
registration and by the platform's side of a manual registration (Baeum's `demo_tool_register`).
The tool reads it on every launch, so a registration written while it runs is used at once.
Standard library only: the platform's command imports this module."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger("demo_tool")

STORE_FILE = "registrations.json"
REQUIRED = ("issuer", "client_id", "auth_login_url", "auth_token_url", "key_set_url")


@dataclass
class PlatformRegistration:
    """One (platform issuer, client_id) the tool is registered with."""

    issuer: str
    client_id: str
    auth_login_url: str  # the platform's OIDC authorization endpoint
    auth_token_url: str  # its OAuth2 token endpoint (client_credentials, private_key_jwt)
    key_set_url: str  # its JWKS
    deployment_ids: list[str] = field(default_factory=list)
    auth_audience: str | None = None  # the token endpoint's `aud`, when not the token URL itself
    name: str = ""
    registered_via: str = "manual"  # manual | dynamic
    registered_at: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlatformRegistration:
        for name in REQUIRED:
            if not isinstance(data.get(name), str) or not data[name]:
                raise ValueError(f"{name} is required")
        deployments = data.get("deployment_ids", [])
        if not isinstance(deployments, list) or not all(isinstance(d, str) for d in deployments):
            raise ValueError("deployment_ids must be a list of strings")
        return cls(
            issuer=data["issuer"],
            client_id=data["client_id"],
            auth_login_url=data["auth_login_url"],
            auth_token_url=data["auth_token_url"],
            key_set_url=data["key_set_url"],
            deployment_ids=list(deployments),
            auth_audience=data.get("auth_audience") or None,
            name=str(data.get("name") or ""),
            registered_via=str(data.get("registered_via") or "manual"),
            registered_at=str(data.get("registered_at") or ""),
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class RegistrationStore:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / STORE_FILE

    def all(self) -> list[PlatformRegistration]:
        """Every readable registration; a malformed entry is skipped (and logged), a missing file is
        an empty store, an unreadable file fails loudly."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        found = []
        for entry in raw.get("registrations", []) if isinstance(raw, dict) else []:
            try:
                found.append(PlatformRegistration.from_json(entry))
            except (ValueError, TypeError, AttributeError) as error:
                log.warning("skipping a malformed registration in %s: %s", self.path, error)
        return found

    def for_issuer(self, issuer: str) -> list[PlatformRegistration]:
        return [registration for registration in self.all() if registration.issuer == issuer]

    def find(self, issuer: str, client_id: str | None) -> PlatformRegistration | None:
        """The registration of (issuer, client_id); without a client_id, the issuer's only one."""
        candidates = self.for_issuer(issuer)
        if client_id:
            return next((r for r in candidates if r.client_id == client_id), None)
        return candidates[0] if len(candidates) == 1 else None

    def save(self, registration: PlatformRegistration) -> PlatformRegistration:
        """Adds the registration, or replaces the one with the same issuer and client_id."""
        if not registration.registered_at:
            registration.registered_at = datetime.now(UTC).isoformat(timespec="seconds")
        PlatformRegistration.from_json(registration.to_json())  # the same checks as on reading
        with self._locked():
            kept = [
                r.to_json()
                for r in self.all()
                if (r.issuer, r.client_id) != (registration.issuer, registration.client_id)
            ]
            self._write({"registrations": [*kept, registration.to_json()]})
        return registration

    def remove(self, issuer: str, client_id: str) -> bool:
        with self._locked():
            before = self.all()
            kept = [r.to_json() for r in before if (r.issuer, r.client_id) != (issuer, client_id)]
            self._write({"registrations": kept})
        return len(kept) < len(before)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(self.data_dir / f"{STORE_FILE}.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _write(self, data: dict[str, Any]) -> None:
        fd, temporary = tempfile.mkstemp(prefix=f".{STORE_FILE}.", dir=self.data_dir)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False, indent=2)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
