"""Steps the browser journeys share: a screenshot for people to look at, signing in as the demo teacher."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from classrooms.management.commands.demo_data import DEMO_PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"
SERVER_ENV: dict[str, str] = {}  # the live server's environment (set by the live_url fixture), to move dated data


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def teacher_signs_in(page, live_url):
    page.goto(f"{live_url}/")
    page.get_by_role("link", name="교사 로그인").click()
    page.get_by_label("사용자 이름").fill("teacher")
    page.get_by_label("비밀번호").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="로그인").click()
    expect(page.get_by_role("heading", name="내 학급")).to_be_visible()
