"""The demo tool refuses what an LTI tool must refuse (through pylti1p3's validation and its own
checks): a replayed id_token, a launch without this browser's state cookie, a forged signature, an
unknown deployment or platform, a login for someone else's address, a learner asking for Deep
Linking, another browser's launch. Its cookies never take Baeum's names."""

from __future__ import annotations

import jwt

from tests.lti.platform import DEEP_LINKING_REQUEST, RsaKey
from tests.lti.platform_side.demo_tool_browser import Browser, Form, form_of
from tests.lti.platform_side.demo_tool_process import demo_tool  # noqa: F401 - a fixture
from tests.lti.platform_side.demo_tool_with_lms import CLASS, Linked, linked, lms  # noqa: F401 - fixtures


def _authorized(setup: Linked, browser: Browser, user: str = "learner-1") -> Form:
    """The LMS's auto-posting page after the tool's login: its form carries id_token and state."""
    setup.platform.add_resource_link("link-1", CLASS, setup.registration, custom={"exercise": "fractions"})
    initiation = setup.platform.login_initiation(setup.registration, user=user, context=CLASS, resource_link="link-1")
    login = browser.session.post(initiation.url, data=initiation.params, timeout=20)
    assert login.status_code == 200, login.text[:1000]
    return form_of(login)


def test_a_replayed_id_token_is_refused(linked: Linked) -> None:  # noqa: F811
    browser = Browser()
    form = _authorized(linked, browser)
    assert browser.submit(form).status_code == 200
    replay = browser.submit(form)
    assert replay.status_code == 401 and "Invalid Nonce" in replay.text


def test_a_launch_without_this_browsers_state_cookie_is_refused(linked: Linked) -> None:  # noqa: F811
    form = _authorized(linked, Browser())
    stranger = Browser()
    page = stranger.submit(form)
    assert page.status_code == 401 and "실행 요청을 확인하지 못했어요" in page.text


def test_a_forged_signature_is_refused(linked: Linked) -> None:  # noqa: F811
    browser = Browser()
    form = _authorized(linked, browser)
    claims = jwt.decode(form.hidden["id_token"], options={"verify_signature": False})
    forger = RsaKey.generate(kid=linked.platform.kid)  # the platform's kid, another key
    form.hidden["id_token"] = forger.sign(claims)
    page = browser.submit(form)
    assert page.status_code == 401 and "Signature verification failed" in page.text


def test_an_unknown_deployment_is_refused(linked: Linked) -> None:  # noqa: F811
    (registration,) = linked.tool.registrations()
    registration.deployment_ids = ["another-deployment"]
    linked.tool.store.save(registration)
    browser = Browser()
    page = browser.submit(_authorized(linked, browser))
    assert page.status_code == 401 and "Unable to find deployment" in page.text


def test_an_unregistered_platform_or_a_foreign_target_cannot_start_a_login(linked: Linked) -> None:  # noqa: F811
    tool = linked.tool
    base = {"iss": linked.platform.issuer, "login_hint": "learner-1", "client_id": linked.registration.client_id}
    unknown = Browser().session.post(
        tool.login_url, data={**base, "iss": "https://lms.example.org", "target_link_uri": tool.launch_url}, timeout=10
    )
    assert unknown.status_code == 400 and "not registered" in unknown.text
    foreign = Browser().session.post(
        tool.login_url, data={**base, "target_link_uri": "https://elsewhere.example/launch"}, timeout=10
    )
    assert foreign.status_code == 400 and "이 도구의 주소가 아니에요" in foreign.text
    assert "Set-Cookie" not in unknown.headers and "Set-Cookie" not in foreign.headers


def test_every_cookie_of_the_tool_is_its_own(linked: Linked) -> None:  # noqa: F811
    linked.platform.add_resource_link("link-1", CLASS, linked.registration, custom={"exercise": "fractions"})
    initiation = linked.platform.login_initiation(
        linked.registration, user="learner-1", context=CLASS, resource_link="link-1"
    )
    browser = Browser()
    login = browser.session.post(initiation.url, data=initiation.params, timeout=20, allow_redirects=False)
    assert login.status_code == 302
    names = [cookie.split("=", 1)[0] for cookie in login.raw.headers.getlist("Set-Cookie")]
    assert len(names) == 2 and {name.split("-")[0] for name in names} == {"demo_tool_state", "demo_tool_session"}
    browser.get(login.headers["Location"])
    assert all(cookie.name.startswith("demo_tool_") for cookie in browser.session.cookies)
    assert not {"sessionid", "csrftoken"} & {cookie.name for cookie in browser.session.cookies}


def test_a_learner_cannot_pick_content(linked: Linked) -> None:  # noqa: F811
    page = linked.launch(Browser(), "learner-1", message_type=DEEP_LINKING_REQUEST)
    assert page.status_code == 403 and "선생님만" in page.text and 'id="picker"' not in page.text


def test_another_browser_cannot_answer_for_a_launch(linked: Linked) -> None:  # noqa: F811
    browser = Browser()
    page = browser.submit(_authorized(linked, browser))
    answers = form_of(page, "answers")
    stolen = Browser().submit(answers, {"q1": "0", "q2": "1", "q3": "2"})
    assert stolen.status_code == 400 and "다시 열어 주세요" in stolen.text
    assert linked.platform.scores == []
