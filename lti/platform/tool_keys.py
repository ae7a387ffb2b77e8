"""A registered tool's public key by ``kid``: from its JWKS URL (fetched and cached for every worker,
as the tool side does for LMSs) or from the PEM key an admin pasted."""

from __future__ import annotations

from typing import Any

from jwcrypto.jwk import JWK

from lti.models import ExternalTool
from lti.tool.platform_keys import KeysUnavailable, platform_key

__all__ = ["KeysUnavailable", "tool_key"]


def tool_key(tool: ExternalTool, kid: str | None) -> dict[str, Any] | None:
    """The JWK the tool signed with, or None when it publishes no key with this ``kid``. A pasted
    PEM key is used whatever the ``kid`` (a tool without a JWKS may not send one). Raises
    ``KeysUnavailable`` when the tool's JWKS cannot be fetched."""
    if tool.jwks_url:
        return platform_key(tool.jwks_url, kid) if kid else None
    if tool.public_key:
        try:
            return dict(JWK.from_pem(tool.public_key.encode()).export_public(as_dict=True))
        except (ValueError, TypeError):
            return None
    return None
