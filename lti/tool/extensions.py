"""What the LTI layer registers into lower layers' extension points (from LtiConfig.ready())."""

from __future__ import annotations


def register() -> None:
    return None
