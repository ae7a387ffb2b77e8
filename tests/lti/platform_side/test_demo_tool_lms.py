"""The demo content tool (demo_tool/, PyLTI1p3) end to end against the test LMS (lti1p3platform, a
platform Baeum did not write): Deep Linking returns signed items the LMS accepts, a learner's answers
post a score the LMS's AGS receives (on the launch's line item, or one the tool creates), and an
instructor's launch reads the roster through NRPS."""

from __future__ import annotations

from html import unescape

from tests.lti.platform.state import NRPS_CLAIM
from tests.lti.platform_side.demo_tool_browser import Browser, form_of
from tests.lti.platform_side.demo_tool_process import demo_tool  # noqa: F401 - a fixture
from tests.lti.platform_side.demo_tool_with_lms import CLASS, Linked, linked, lms  # noqa: F401 - fixtures

ALL_RIGHT = {"q1": "0", "q2": "1", "q3": "2"}  # fractions: 1/2, 3/5, equal
TWO_RIGHT = {"q1": "0", "q2": "1", "q3": "0"}


def test_deep_linking_returns_signed_items_that_the_lms_accepts(linked: Linked) -> None:  # noqa: F811
    teacher = Browser()
    picker = linked.deep_linking(teacher)
    assert picker.status_code == 200, picker.text[:1500]
    form = form_of(picker, "picker")
    assert form.kinds["exercise"] == "checkbox" and form.options["exercise"] == ["fractions", "spelling", "water"]
    assert "데모 콘텐츠 제공자 — 연습용 도구입니다" in picker.text

    returned = linked.pick(teacher, picker, "fractions", "water")

    assert returned.status_code == 200, returned.text[:1500]
    assert linked.platform.refusals == [] and linked.platform.errors == []
    fractions, water = linked.platform.deep_link_items
    assert fractions == {
        "type": "ltiResourceLink",
        "title": "분수의 크기 비교",
        "text": "초등 4학년 수학 · 두 분수 중 더 큰 것을 고르는 3문항 연습입니다.",
        "url": linked.tool.exercise_url("fractions"),
        "custom": {"exercise": "fractions"},
        "lineItem": {
            "scoreMaximum": 3,
            "label": "분수의 크기 비교",
            "resourceId": "fractions",
            "tag": "baeum-demo:fractions",
        },
        "iframe": {"height": 760},
    }
    assert water["custom"] == {"exercise": "water"}
    (response,) = linked.platform.deep_link_responses
    assert response["iss"] == linked.registration.client_id and response["aud"] == [linked.platform.issuer]
    assert "https://purl.imsglobal.org/spec/lti-dl/claim/data" not in response  # no data was sent, none echoed
    labels = [item.label for item in linked.platform.lineitems_in(CLASS)]
    assert labels == ["분수의 크기 비교", "물의 상태 변화"]


def test_deep_linking_echoes_data_and_respects_the_settings(linked: Linked) -> None:  # noqa: F811
    settings = {
        "accept_multiple": False,
        "accept_lineitem": False,
        "accept_presentation_document_targets": ["window"],
        "data": "opaque-42",
    }
    teacher = Browser()
    picker = linked.deep_linking(teacher, settings)
    assert form_of(picker, "picker").kinds["exercise"] == "radio"
    two = teacher.submit(form_of(picker, "picker"), {"exercise": ["fractions", "water"]}, button="add")
    assert two.status_code == 400 and "하나만" in two.text
    assert linked.platform.deep_link_responses == []

    linked.pick(teacher, two, "spelling")

    (item,) = linked.platform.deep_link_items
    assert "lineItem" not in item and "iframe" not in item
    (response,) = linked.platform.deep_link_responses
    assert response["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "opaque-42"
    assert linked.platform.refusals == []


def test_cancel_returns_no_items(linked: Linked) -> None:  # noqa: F811
    teacher = Browser()
    picker = linked.deep_linking(teacher)
    answer = teacher.submit(form_of(picker, "picker"), button="cancel")
    teacher.submit(form_of(answer, "lti13_deep_link_auto_submit"))
    assert len(linked.platform.deep_link_responses) == 1 and linked.platform.deep_link_items == []


def test_a_learner_answers_and_the_lms_gradebook_receives_the_score(linked: Linked) -> None:  # noqa: F811
    platform = linked.platform
    teacher = Browser()
    linked.pick(teacher, linked.deep_linking(teacher), "fractions")
    (link,) = platform.deep_link_links
    item = platform.lineitem_for_link(link.id)
    assert item is not None

    learner = Browser()
    page = linked.launch(learner, "learner-1", resource_link=link.id)
    assert page.status_code == 200, page.text[:1500]
    assert 'data-exercise="fractions"' in page.text
    result = learner.submit(form_of(page, "answers"), TWO_RIGHT)

    assert result.status_code == 200, result.text[:1500]
    assert "점수를 보냈어요: 2/3" in result.text
    (score,) = platform.scores_for(item, "learner-1")
    assert score["scoreGiven"] == 2 and score["scoreMaximum"] == 3 and score["userId"] == "learner-1"
    assert score["activityProgress"] == "Completed" and score["gradingProgress"] == "FullyGraded"
    assert score["timestamp"]

    again = learner.submit(form_of(result), ALL_RIGHT)  # the page offers another try
    assert "점수를 보냈어요: 3/3" in again.text
    assert [s["scoreGiven"] for s in platform.scores_for(item, "learner-1")] == [2, 3]
    assert platform.refused_scores == [] and platform.errors == []


def test_without_a_line_item_the_tool_creates_one_through_ags(linked: Linked) -> None:  # noqa: F811
    platform = linked.platform
    platform.add_resource_link("water-link", CLASS, linked.registration, custom={"exercise": "water"})
    learner = Browser()
    page = linked.launch(learner, "learner-2", resource_link="water-link")
    result = learner.submit(form_of(page, "answers"), {"q1": "1", "q2": "0", "q3": "1"})

    assert "점수를 보냈어요: 3/3" in result.text, result.text[:1500]
    (item,) = platform.lineitems_in(CLASS, "water-link")
    assert (item.label, item.score_maximum, item.resource_id, item.tag) == (
        "물의 상태 변화",
        3,
        "water",
        "baeum-demo:water",
    )
    assert platform.scores_for(item, "learner-2")[0]["scoreGiven"] == 3

    second = learner.submit(form_of(result), {"q1": "0", "q2": "0", "q3": "1"})
    assert "점수를 보냈어요: 2/3" in second.text
    assert len(platform.lineitems_in(CLASS, "water-link")) == 1  # found again, not made twice


def test_a_refused_score_is_shown_with_the_platforms_answer(linked: Linked) -> None:  # noqa: F811
    platform = linked.platform
    platform.add_resource_link(
        "link-1",
        CLASS,
        linked.registration,
        custom={"exercise": "fractions"},
        lineitem={"label": "분수", "scoreMaximum": 3},
    )
    platform.fail_scores_permanently(400)
    learner = Browser()
    result = learner.submit(form_of(linked.launch(learner, "learner-1", resource_link="link-1"), "answers"), ALL_RIGHT)

    assert result.status_code == 502
    assert "점수를 보내지 못했어요" in result.text and "forced failure" in unescape(result.text)
    assert 'data-kind="error"' in result.text


def test_the_exercise_comes_from_the_target_link_uri_without_a_custom_parameter(linked: Linked) -> None:  # noqa: F811
    linked.platform.add_resource_link("s", CLASS, linked.registration, url=linked.tool.exercise_url("spelling"))
    page = linked.launch(Browser(), "learner-1", resource_link="s")
    assert 'data-exercise="spelling"' in page.text


def test_an_unknown_exercise_is_a_clear_error(linked: Linked) -> None:  # noqa: F811
    linked.platform.add_resource_link("x", CLASS, linked.registration, custom={"exercise": "nope"})
    page = linked.launch(Browser(), "learner-1", resource_link="x")
    assert page.status_code == 404 and "어떤 연습인지 알 수 없어요" in page.text


def test_an_instructor_sees_the_roster_read_through_nrps_with_names_only_where_sent(linked: Linked) -> None:  # noqa: F811
    platform = linked.platform
    platform.add_resource_link("link-1", CLASS, linked.registration, custom={"exercise": "fractions"})
    page = linked.launch(Browser(), "teacher-1", resource_link="link-1")

    assert page.status_code == 200, page.text[:1500]
    assert platform.membership_requests == 1
    assert '<td class="name">김선생</td><td>선생님</td>' in page.text
    assert '<td class="name">이서연</td><td>학생</td>' in page.text
    assert page.text.count('class="member"') == 3
    assert page.text.count('<td class="anonymous">이름 없음') == 1  # learner-2: the LMS sent no name
    assert "learner-2" not in page.text  # nor the opaque id instead
    assert "✓ 정답" in page.text and 'id="answers"' not in page.text  # the answers, not the learner's form


def test_without_the_nrps_scope_there_is_no_roster(linked: Linked) -> None:  # noqa: F811
    linked.registration.scopes = [s for s in linked.registration.scopes if "nrps" not in s]
    linked.platform.add_resource_link("link-1", CLASS, linked.registration, custom={"exercise": "fractions"})
    page = linked.launch(Browser(), "teacher-1", resource_link="link-1")
    assert page.status_code == 200 and 'id="roster-none"' in page.text
    assert linked.platform.membership_requests == 0


def test_an_nrps_refusal_is_shown_with_the_platforms_answer(linked: Linked) -> None:  # noqa: F811
    platform = linked.platform
    platform.add_resource_link("link-1", CLASS, linked.registration, custom={"exercise": "fractions"})
    wrong = {"context_memberships_url": platform.memberships_url("no-such-class"), "service_versions": ["2.0"]}
    page = linked.launch(Browser(), "teacher-1", resource_link="link-1", extra_claims={NRPS_CLAIM: wrong})
    assert page.status_code == 200
    assert 'id="roster-error"' in page.text and "HTTP 404" in page.text
