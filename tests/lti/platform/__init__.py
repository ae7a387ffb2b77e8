"""A test LTI 1.3 platform (an LMS) built on the PyPI package lti1p3platform, served on 127.0.0.1,
for proving Baeum's LTI tool against a platform implementation Baeum did not write."""

from .keys import RsaKey, client_assertion, token_request
from .launches import LoginInitiation
from .lms import TestPlatform
from .state import (
    DEEP_LINKING_REQUEST,
    INSTRUCTOR,
    LEARNER,
    RESOURCE_LINK_REQUEST,
    Context,
    LineItem,
    ResourceLink,
    ToolRegistration,
    User,
)
from .web import PlatformError

__all__ = [
    "DEEP_LINKING_REQUEST",
    "INSTRUCTOR",
    "LEARNER",
    "RESOURCE_LINK_REQUEST",
    "Context",
    "LineItem",
    "LoginInitiation",
    "PlatformError",
    "ResourceLink",
    "RsaKey",
    "TestPlatform",
    "ToolRegistration",
    "User",
    "client_assertion",
    "token_request",
]
