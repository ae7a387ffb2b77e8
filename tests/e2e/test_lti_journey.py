"""Issue 10's journey in Chromium: an LMS (the test platform on lti1p3platform, at 127.0.0.1)
registers Baeum (at baeum.localhost: another site, so Baeum is a third party in the LMS's iframe)
by dynamic registration; the instructor picks a lesson by Deep Linking inside the iframe; the
learner launches it in the iframe and answers; the score arrives in the LMS's gradebook; the
instructor starts a live session from the launch and the learner follows it in the iframe."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest
from playwright.sync_api import FrameLocator, Page, expect

from classrooms.management.commands.demo_data import DEMO_PASSWORD
from tests.e2e.steps import shot
from tests.lti.platform import INSTRUCTOR, LEARNER, TestPlatform
from tests.servers import demo_server, free_port

pytestmark = pytest.mark.e2e
LESSON = "분수의 종류와 크기 비교"


@pytest.fixture(scope="module")
def baeum(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Baeum served as http://baeum.localhost:<port> (a secure context, like localhost, on another
    site than the LMS), tasks run at once as in the embedded default."""
    var_dir = tmp_path_factory.mktemp("lti-var")
    port = free_port()
    base = f"http://baeum.localhost:{port}"
    with demo_server(var_dir, port, base, ALLOWED_HOSTS="baeum.localhost,127.0.0.1", CELERY_TASK_ALWAYS_EAGER="true"):
        yield base


@pytest.fixture(scope="module")
def lms() -> Iterator[TestPlatform]:
    platform = TestPlatform().start()
    platform.fetch_jwks = fetch_over_loopback  # *.localhost resolves in Chromium, not in Python's resolver
    try:
        yield platform
    finally:
        platform.stop()


def fetch_over_loopback(url: str) -> dict:
    parts = urlsplit(url)
    with urllib.request.urlopen(urlunsplit(parts._replace(netloc=f"127.0.0.1:{parts.port}")), timeout=5) as response:  # noqa: S310
        return json.load(response)


def tool_frame(page: Page) -> FrameLocator:
    return page.frame_locator("iframe[name=tool]")


def admin_creates_registration_url(page: Page, baeum: str) -> str:
    page.goto(f"{baeum}/accounts/login/")
    page.get_by_label("사용자 이름").fill("admin")
    page.get_by_label("비밀번호").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.goto(f"{baeum}/lti/setup/")
    page.get_by_test_id("create-invite").click()
    url = page.get_by_test_id("invite-url").inner_text().strip()
    assert re.match(rf"^{re.escape(baeum)}/lti/register/[\w-]+/$", url), url
    shot(page, "lti-01-setup-invite")
    return url


def test_lms_registers_baeum_and_a_lesson_goes_round_trip(new_page, baeum: str, lms: TestPlatform) -> None:  # type: ignore[no-untyped-def]
    admin = new_page()
    registration_url = admin_creates_registration_url(admin, baeum)

    # The LMS admin pastes the URL: the LMS opens it in an iframe; Baeum registers and closes.
    lms_admin = new_page()
    lms_admin.goto(lms.url(f"/admin/register?url={registration_url}"))
    lms_admin.frame_locator("iframe[name=registration]").get_by_test_id("register").click()
    expect(lms_admin.locator("#status")).to_have_text("Registered")
    shot(lms_admin, "lti-02-registered")
    assert len(lms.tools) == 1, "one tool registered"

    lms.add_context("course-1", title="4학년 1반 수학", label="4-1")
    lms.add_user("teacher-1", [INSTRUCTOR], name="박선생", contexts=["course-1"])
    lms.add_user("learner-1", [LEARNER], name="김민준", contexts=["course-1"])

    # The instructor adds Baeum by Deep Linking, picking a lesson inside the LMS's iframe.
    instructor = new_page()
    instructor.goto(lms.course_url("course-1", "teacher-1", deep_link=True))
    picker = tool_frame(instructor)
    picker.get_by_role("searchbox").fill("분수")
    picker.get_by_role("button", name=re.compile("검색|Search")).click()
    picker.get_by_role("checkbox", name=re.compile(LESSON)).check()
    shot(instructor, "lti-03-deep-link-picker")
    picker.get_by_role("button", name=re.compile("LMS")).first.click()
    shot(instructor, "lti-03b-after-return")
    expect(picker.locator("td.title", has_text=LESSON)).to_be_visible()  # the LMS's page of added content
    (link,) = lms.deep_link_links
    assert link.custom.get("baeum_lesson")
    (lineitem,) = lms.lineitems_in("course-1", link.id)

    # The instructor opens the link: Baeum's page for it, in the iframe.
    instructor.goto(lms.course_url("course-1", "teacher-1", link=link.id))
    expect(tool_frame(instructor).get_by_test_id("lti-link-title")).to_contain_text(LESSON)
    shot(instructor, "lti-03c-instructor-link-page")

    # The learner opens it in the iframe, answers, and the score reaches the LMS gradebook.
    learner = new_page()
    learner.goto(lms.course_url("course-1", "learner-1", link=link.id))
    lesson = tool_frame(learner)
    expect(lesson.get_by_role("heading", level=1)).to_contain_text(LESSON)
    form = lesson.locator("form.activity").nth(1)
    form.get_by_role("textbox").fill("17")
    form.get_by_role("button").first.click()
    expect(form.locator(".feedback")).not_to_be_empty()
    shot(learner, "lti-04-learner-answered")
    for _ in range(50):
        if lms.scores_for(lineitem, "learner-1"):
            break
        learner.wait_for_timeout(200)
    scores = lms.scores_for(lineitem, "learner-1")
    assert scores, "no score arrived at the LMS"
    assert scores[-1]["scoreGiven"] > 0 and scores[-1]["userId"] == "learner-1"
    instructor.goto(lms.course_url("course-1", "teacher-1", link=link.id))  # the score, sent, on Baeum's page
    expect(tool_frame(instructor).locator("td[data-sync='sent']")).to_have_count(1)
    shot(instructor, "lti-04b-instructor-sees-score-sent")

    # The instructor teaches it live from the launch; the learner, launching again, follows it.
    instructor.goto(lms.course_url("course-1", "teacher-1", link=link.id))
    frame = tool_frame(instructor)
    frame.get_by_test_id("lti-teach-live").get_by_role("button").click()
    expect(frame.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    learner.goto(lms.course_url("course-1", "learner-1", link=link.id))
    student = tool_frame(learner)
    expect(student.locator("[data-live-student][data-ready='1']")).to_be_attached()
    expect(student.get_by_test_id("connection")).to_have_attribute("data-state", "open")
    expect(student.get_by_test_id("lobby")).to_be_visible()
    frame.get_by_test_id("start").click()
    frame.get_by_test_id("next").click()
    expect(student.get_by_test_id("slide").locator("[data-slide-index='1']")).to_be_attached()
    shot(learner, "lti-05-learner-follows-live")
    shot(instructor, "lti-06-instructor-console")
