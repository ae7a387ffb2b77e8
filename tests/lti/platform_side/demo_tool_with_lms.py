"""The demo tool registered with the test LMS (tests/lti/platform/, on lti1p3platform: a platform
Baeum did not write), both sides of a manual registration, with a class of one teacher and two
learners. Fixtures to import explicitly (`from tests.lti.platform_side.demo_tool_with_lms import
linked  # noqa: F401`), with `demo_tool` from demo_tool_process."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from tests.lti.platform import DEEP_LINKING_REQUEST, INSTRUCTOR, LEARNER, TestPlatform, ToolRegistration
from tests.lti.platform_side.demo_tool_browser import Browser, form_of
from tests.lti.platform_side.demo_tool_process import DemoTool

CLIENT_ID = "demo-content"
CLASS = "class-4-1"


@dataclass
class Linked:
    platform: TestPlatform
    tool: DemoTool
    registration: ToolRegistration

    def launch(self, browser: Browser, user: str, **login_args: Any) -> requests.Response:
        """The user's launch from the LMS, through the tool's OIDC login and the LMS's /auth."""
        initiation = self.platform.login_initiation(self.registration, user=user, context=CLASS, **login_args)
        return browser.launch(initiation.url, initiation.params)

    def deep_linking(self, browser: Browser, settings: dict[str, Any] | None = None) -> requests.Response:
        return self.launch(
            browser, "teacher-1", message_type=DEEP_LINKING_REQUEST, deep_linking_settings=dict(settings or {})
        )

    def pick(self, browser: Browser, picker: requests.Response, *exercise_ids: str) -> requests.Response:
        """Picks exercises in the tool and posts its Deep Linking response to the LMS."""
        answer = browser.submit(form_of(picker, "picker"), {"exercise": list(exercise_ids)}, button="add")
        assert answer.status_code == 200, answer.text[:1500]
        return browser.submit(form_of(answer, "lti13_deep_link_auto_submit"))


@pytest.fixture
def lms() -> Iterator[TestPlatform]:
    platform = TestPlatform().start()
    try:
        yield platform
    finally:
        platform.stop()


def link(platform: TestPlatform, tool: DemoTool, client_id: str = CLIENT_ID) -> Linked:
    registration = platform.register_tool(
        client_id,
        login_url=tool.login_url,
        launch_url=tool.launch_url,
        jwks_url=tool.jwks_url,
        deep_link_url=tool.launch_url,
    )
    tool.add_platform(
        issuer=platform.issuer,
        client_id=client_id,
        deployment_ids=[registration.deployment_id],
        auth_login_url=platform.auth_url,
        auth_token_url=platform.token_url,
        key_set_url=platform.jwks_url,
        name="Test LMS",
    )
    platform.add_context(CLASS, "4학년 1반 수학")
    platform.add_user("teacher-1", [INSTRUCTOR], name="김선생", contexts=[CLASS])
    platform.add_user("learner-1", [LEARNER], name="이서연", contexts=[CLASS])
    platform.add_user("learner-2", [LEARNER], contexts=[CLASS])  # the LMS sends no name for this one
    return Linked(platform, tool, registration)


@pytest.fixture
def linked(lms: TestPlatform, demo_tool: DemoTool) -> Linked:
    return link(lms, demo_tool)
