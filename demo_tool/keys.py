"""The demo tool's own RSA key: made on first start in the data directory (file mode 0600), published
at /jwks with its RFC 7638 thumbprint as `kid` (what pylti1p3 puts in the header of what it signs)."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jwcrypto.jwk import JWK
from pylti1p3.registration import Registration

KEY_FILE = "tool_key.pem"


@dataclass(frozen=True)
class ToolKey:
    private_pem: str
    public_pem: str

    @property
    def public_jwk(self) -> dict[str, Any]:
        return dict(Registration.get_jwk(self.public_pem))  # kid (thumbprint), alg RS256, use sig

    @property
    def kid(self) -> str:
        return str(self.public_jwk["kid"])

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.public_jwk]}


def ensure_data_dir(data_dir: Path) -> Path:
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    return data_dir


def load_or_create_key(data_dir: Path) -> ToolKey:
    """The key in `data_dir`, made (RSA 2048, mode 0600) when there is none. Two processes starting
    at once end up with the same key: the new file is linked into place only if none exists."""
    ensure_data_dir(data_dir)
    path = data_dir / KEY_FILE
    if not path.exists():
        key = JWK.generate(kty="RSA", size=2048)
        pem = key.export_to_pem(private_key=True, password=None)
        temporary = data_dir / f".{KEY_FILE}.{os.getpid()}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
                os.link(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    os.chmod(path, 0o600)
    private = JWK.from_pem(path.read_bytes())
    return ToolKey(path.read_text(encoding="ascii"), private.export_to_pem().decode("ascii"))
