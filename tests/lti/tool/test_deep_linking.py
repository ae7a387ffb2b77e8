"""Deep Linking 2.0: the claims of Baeum's response (plain functions), the picker a teacher uses in
the LMS's frame, and the signed response, verified with the public key Baeum publishes at its JWKS."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape
from typing import Any

import jwt
import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.sessions.backends.base import SessionBase
from django.test import Client
from django.urls import reverse
from lti_tool.models import Key, LtiDeployment, LtiRegistration

from courses.pages import LessonPage
from courses.services import lesson_copy
from lti.models import AssignmentLink, DeploymentSchool
from lti.tool import deep_linking_views
from lti.tool.checks import DEPLOYMENT_ID, MESSAGE_TYPE, VERSION
from lti.tool.deep_linking import (
    CONTENT_ITEMS,
    DATA,
    ERRORMSG,
    MAX_ITEMS,
    MSG,
    DeepLinkRefused,
    LessonFacts,
    choice_read,
    content_item,
    content_items,
    response_claims,
    settings_read,
)
from lti.tool.framing import FRAME_ORIGINS_KEY
from lti.tool.session import LTI_SESSION_COOKIE
from lti.tool.views import DEEP_LINK_KEY
from tests.factories import block, build_library, make_lesson
from tests.helpers import use_english
from tests.lti.platform import DEEP_LINKING_REQUEST
from tests.lti.platform.fixtures import lti_platform  # noqa: F401 - a fixture
from tests.lti.tool.launching import INSTRUCTOR, LEARNER, launch_through_platform, register_baeum

ISSUER = "https://lms.example.org"
RETURN_URL = "https://lms.example.org/deep_link_return?course=7"
CLIENT_ID = "baeum-client-1"
DEPLOYMENT = "dep-1"


def dl_settings(**overrides: Any) -> dict[str, Any]:
    claim: dict[str, Any] = {
        "deep_link_return_url": RETURN_URL,
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe", "window"],
        "accept_multiple": True,
    }
    claim.update(overrides)
    return {k: v for k, v in claim.items() if v is not None}


SCORED = LessonFacts(12, "분수란 무엇일까요?", "분수의 뜻을 알아요.", Decimal("8.00"))
UNSCORED = LessonFacts(13, "분수 이야기", "", Decimal(0))


# --- the claims, as plain functions ------------------------------------------------------------------


def test_a_scored_lesson_carries_a_line_item_and_an_unscored_one_none():
    scored = content_item(SCORED, "https://baeum.example/lti/launch/")
    assert scored == {
        "type": "ltiResourceLink",
        "title": "분수란 무엇일까요?",
        "text": "분수의 뜻을 알아요.",
        "url": "https://baeum.example/lti/launch/",
        "custom": {"baeum_lesson": "12"},
        "lineItem": {"scoreMaximum": 8, "label": "분수란 무엇일까요?", "resourceId": "baeum-lesson-12", "tag": "baeum"},
    }
    assert isinstance(scored["lineItem"]["scoreMaximum"], int)
    unscored = content_item(UNSCORED, "https://baeum.example/lti/launch/")
    assert "lineItem" not in unscored and "text" not in unscored
    half = content_item(LessonFacts(1, "t", "x", Decimal("2.50")), "u")
    assert half["lineItem"]["scoreMaximum"] == 2.5


def test_no_line_items_when_the_lms_says_it_ignores_them():
    assert "lineItem" in content_items(settings_read(dl_settings()), [SCORED], "u")[0]
    assert "lineItem" in content_items(settings_read(dl_settings(accept_lineitem=True)), [SCORED], "u")[0]
    assert "lineItem" not in content_items(settings_read(dl_settings(accept_lineitem=False)), [SCORED], "u")[0]


def test_a_long_description_is_shortened():
    item = content_item(LessonFacts(1, "t", "가나다 " * 100, Decimal(0)), "u")
    assert len(item["text"]) == 200 and item["text"].endswith("…")


def _claims(settings: dict[str, Any], items: list[dict[str, Any]] | None = None, **messages: str) -> dict[str, Any]:
    return response_claims(
        settings=settings_read(settings),
        client_id=CLIENT_ID,
        issuer=ISSUER,
        deployment_id=DEPLOYMENT,
        items=items or [],
        now=1_800_000_000,
        nonce="n-1",
        **messages,
    )


def test_the_response_claims_follow_deep_linking_4_2():
    item = content_item(SCORED, "u")
    claims = _claims(dl_settings(), [item])
    assert claims["iss"] == CLIENT_ID and claims["aud"] == ISSUER
    assert claims["iat"] == 1_800_000_000 and claims["exp"] == 1_800_000_600 and claims["nonce"] == "n-1"
    assert claims[MESSAGE_TYPE] == "LtiDeepLinkingResponse" and claims[VERSION] == "1.3.0"
    assert claims[DEPLOYMENT_ID] == DEPLOYMENT and claims[CONTENT_ITEMS] == [item]
    assert DATA not in claims and MSG not in claims and ERRORMSG not in claims


@pytest.mark.parametrize("data", ["opaque-123", {"k": [1, 2]}, ""])
def test_data_is_echoed_exactly_and_only_when_sent(data):
    assert _claims(dl_settings(data=data))[DATA] == data
    assert DATA not in _claims(dl_settings())


def test_messages_go_into_their_claims():
    claims = _claims(dl_settings(), msg="hello", errormsg="no")
    assert claims[MSG] == "hello" and claims[ERRORMSG] == "no"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), ("true", True), ("TRUE", True), (False, False), ("false", False), (None, False), ("yes", False)],
)
def test_accept_multiple_is_read_strictly_and_absent_means_one(value, expected):
    assert settings_read(dl_settings(accept_multiple=value)).accept_multiple is expected


@pytest.mark.parametrize("url", [None, "", "javascript:alert(1)", "/relative", "ftp://lms/x", 7])
def test_a_return_address_that_is_not_http_is_refused(url):
    claim = dl_settings()
    claim["deep_link_return_url"] = url
    with pytest.raises(DeepLinkRefused) as caught:
        settings_read(claim)
    assert caught.value.code == "bad_return_url"


def test_settings_without_a_claim_are_refused_and_accept_types_are_read():
    with pytest.raises(DeepLinkRefused):
        settings_read(None)
    assert settings_read(dl_settings()).accepts_lessons
    assert not settings_read(dl_settings(accept_types=["link", "file"])).accepts_lessons
    assert not settings_read(dl_settings(accept_types="ltiResourceLink")).accepts_lessons


def test_the_choice_is_read_in_order_without_repeats():
    assert choice_read(["5", "3", "5"], accept_multiple=True) == [5, 3]
    assert choice_read(["5"], accept_multiple=False) == [5]


@pytest.mark.parametrize(
    ("raw", "multiple", "code"),
    [
        ([], True, "nothing_chosen"),
        (["abc"], True, "bad_lesson"),
        (["-1"], True, "bad_lesson"),
        (["1" * 13], True, "bad_lesson"),
        (["1", "2"], False, "one_only"),
        ([str(n) for n in range(1, MAX_ITEMS + 2)], True, "too_many"),
    ],
)
def test_a_bad_choice_is_refused(raw, multiple, code):
    with pytest.raises(DeepLinkRefused) as caught:
        choice_read(raw, accept_multiple=multiple)
    assert caught.value.code == code


# --- the picker and the signed response ----------------------------------------------------------------


@pytest.fixture
def library(db, tmp_path):
    return build_library(tmp_path)


@pytest.fixture
def registration(personas) -> LtiRegistration:
    registration = LtiRegistration.objects.create(
        name="Test LMS",
        issuer=ISSUER,
        client_id=CLIENT_ID,
        auth_url=f"{ISSUER}/auth",
        token_url=f"{ISSUER}/token",
        keyset_url=f"{ISSUER}/jwks",
    )
    deployment = LtiDeployment.objects.create(registration=registration, deployment_id=DEPLOYMENT, is_active=True)
    DeploymentSchool.objects.create(deployment=deployment, school=personas.school)
    return registration


@pytest.fixture
def key(db) -> Key:
    return Key.objects.generate()


def launched(client, user, registration: LtiRegistration, **overrides: Any) -> SessionBase:
    """What a deep linking launch leaves: the user signed in within the LTI session cookie, the LMS's
    origin allowed to frame Baeum, and the request kept in the session."""
    client.force_login(user)
    session = client.session
    session[DEEP_LINK_KEY] = {
        "registration_id": registration.pk,
        "deployment_id": DEPLOYMENT,
        "settings": dl_settings(**overrides),
        "classroom_id": None,
    }
    session[FRAME_ORIGINS_KEY] = [ISSUER]
    session.save()
    client.cookies[LTI_SESSION_COOKIE] = session.session_key
    del client.cookies[django_settings.SESSION_COOKIE_NAME]
    use_english(client)
    return session


def session_of(client) -> dict[str, Any]:
    from importlib import import_module

    engine = import_module(django_settings.SESSION_ENGINE)
    return engine.SessionStore(client.cookies[LTI_SESSION_COOKIE].value).load()


def verified(client, page: str) -> dict[str, Any]:
    """The JWT the return page posts, verified with the key Baeum's JWKS publishes for its kid."""
    assert f'action="{RETURN_URL.replace("&", "&amp;")}"' in page
    token = unescape(re.search(r'name="JWT" value="([^"]+)"', page).group(1))
    jwks = client.get(reverse("lti:jwks")).json()
    kid = jwt.get_unverified_header(token)["kid"]
    [jwk] = [k for k in jwks["keys"] if k["kid"] == kid]
    public = jwt.PyJWK.from_dict(jwk).key
    return jwt.decode(token, public, algorithms=["RS256"], audience=ISSUER, issuer=CLIENT_ID)


def own_lesson(teacher, library) -> LessonPage:
    adapted = lesson_copy(lesson=library.lesson, teacher=teacher)
    adapted.title = f"{teacher.display_name}의 분수 수업"
    adapted.save_revision(user=teacher).publish()
    adapted.refresh_from_db()
    return adapted


def unscored_lesson(library) -> LessonPage:
    lesson = LessonPage(
        title="분수 이야기 읽기", summary="이야기로 만나는 분수", body=[block("text", "<p>옛날 옛적에</p>")]
    )
    library.unit.add_child(instance=lesson)
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    return lesson


def pick(client, *lesson_ids: int, do: str = "return", **fields: Any):
    return client.post(reverse("lti:deep_link"), {"do": do, "lesson": [str(i) for i in lesson_ids], **fields})


def test_only_a_teacher_with_a_deep_linking_request_reaches_the_picker(client, personas, registration, library):
    url = reverse("lti:deep_link")
    assert client.get(url).status_code == 403  # nobody signed in
    launched(client, personas.student, registration)
    assert client.get(url).status_code == 403
    del client.cookies[LTI_SESSION_COOKIE]
    client.force_login(personas.teacher)  # signed in, but not launched for deep linking
    use_english(client)
    response = client.get(url)
    assert response.status_code == 400
    assert "no_request" in response.content.decode() and "Start again there" in response.content.decode()
    assert client.post(url, {"do": "cancel"}).status_code == 400


def test_the_picker_shows_library_lessons_with_grade_subject_standards_and_score(
    client, personas, registration, library
):
    launched(client, personas.teacher, registration)
    response = client.get(reverse("lti:deep_link"))
    page = response.content.decode()
    assert response.status_code == 200
    assert library.lesson.title in page and "Elementary 4" in page and "수학" in page and "[4수01-10]" in page
    assert "Scored, out of 8" in page
    assert f'type="checkbox" name="lesson" value="{library.lesson.pk}"' in page
    assert response["Content-Security-Policy"] == f"frame-ancestors 'self' {ISSUER}"  # the LMS may frame it


def test_the_picker_searches_and_filters(client, personas, registration, library):
    launched(client, personas.teacher, registration)
    url = reverse("lti:deep_link")
    other = make_lesson(library.unit, "소수의 덧셈", library.standard.__class__.objects.get(code="[4수01-15]"))
    found = client.get(url, {"q": "분수란"}).content.decode()
    assert library.lesson.title in found and other.title not in found
    by_code = client.get(url, {"code": "4수01-15"}).content.decode()
    assert other.title in by_code and library.lesson.title not in by_code
    nothing = client.get(url, {"grade": "9"}).content.decode()
    assert library.lesson.title not in nothing and "No lessons match" in nothing
    assert "not an achievement standard code" in client.get(url, {"code": "분수"}).content.decode()
    by_subject = client.get(url, {"subject": "과학"}).content.decode()
    assert "No lessons match" in by_subject


def test_my_lessons_and_the_empty_states(client, personas, registration, library):
    launched(client, personas.teacher, registration)
    url = reverse("lti:deep_link")
    assert "You have no published lessons yet" in client.get(url, {"scope": "mine"}).content.decode()
    assert "Your school has not shared any lessons yet" in client.get(url, {"scope": "school"}).content.decode()
    mine = own_lesson(personas.teacher, library)
    theirs = own_lesson(personas.unrelated_teacher, library)
    page = client.get(url, {"scope": "mine"}).content.decode()
    assert mine.title in page and theirs.title not in page and library.lesson.title not in page
    assert mine.title not in client.get(url).content.decode()  # the library lists library lessons only


def test_the_choice_survives_searches_and_pages(client, personas, registration, library, monkeypatch):
    monkeypatch.setattr(deep_linking_views, "PAGE_SIZE", 1)
    second = unscored_lesson(library)
    launched(client, personas.teacher, registration)
    url = reverse("lti:deep_link")
    first_page = client.get(url).content.decode()
    assert "Page 1 of 2" in first_page and 'name="goto" value="2"' in first_page
    response = client.post(url, {"lesson": [str(library.lesson.pk)], "goto": "2", "q": ""})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?page=2&chosen={library.lesson.pk}"
    page_two = client.get(response["Location"]).content.decode()
    assert second.title in page_two and "Already chosen" in page_two
    assert f'name="lesson" value="{library.lesson.pk}" checked' in page_two
    response = client.post(url, {"lesson": [str(library.lesson.pk), str(second.pk)], "do": "search", "q": "분수"})
    assert response["Location"] == f"{url}?q=%EB%B6%84%EC%88%98&chosen={library.lesson.pk}&chosen={second.pk}"


def test_teacher_returns_two_lessons_signed_with_the_published_key(client, personas, registration, library, key):
    second = unscored_lesson(library)
    launched(client, personas.teacher, registration, data={"course": "7"})
    response = pick(client, library.lesson.pk, second.pk)
    page = response.content.decode()
    assert response.status_code == 200 and "data-auto-submit" in page and "Continue to the LMS" in page
    claims = verified(client, page)
    assert claims[MESSAGE_TYPE] == "LtiDeepLinkingResponse" and claims[VERSION] == "1.3.0"
    assert claims[DEPLOYMENT_ID] == DEPLOYMENT and claims[DATA] == {"course": "7"}
    scored, unscored = claims[CONTENT_ITEMS]
    assert scored["url"] == "http://testserver/lti/launch/" and scored["custom"] == {
        "baeum_lesson": str(library.lesson.pk)
    }
    assert scored["lineItem"] == {
        "scoreMaximum": 8,
        "label": library.lesson.title,
        "resourceId": f"baeum-lesson-{library.lesson.pk}",
        "tag": "baeum",
    }
    assert scored["text"] == "분수의 뜻을 알아요."
    assert unscored["custom"] == {"baeum_lesson": str(second.pk)} and "lineItem" not in unscored
    assert DEEP_LINK_KEY not in session_of(client)  # one response per request
    again = pick(client, library.lesson.pk)
    assert again.status_code == 400 and "JWT" not in again.content.decode()


def test_no_data_claim_when_the_request_had_none(client, personas, registration, library):
    launched(client, personas.teacher, registration)
    assert not Key.objects.exists()  # Baeum's first key is made when it first signs, and published
    claims = verified(client, pick(client, library.lesson.pk).content.decode())
    assert DATA not in claims and len(claims[CONTENT_ITEMS]) == 1


def test_one_lesson_only_when_the_lms_takes_one(client, personas, registration, library, key):
    second = unscored_lesson(library)
    launched(client, personas.teacher, registration, accept_multiple=False)
    page = client.get(reverse("lti:deep_link")).content.decode()
    assert 'type="radio" name="lesson"' in page and 'type="checkbox"' not in page
    response = pick(client, library.lesson.pk, second.pk)
    assert response.status_code == 400 and "one lesson at a time" in response.content.decode()
    assert "JWT" not in response.content.decode() and DEEP_LINK_KEY in session_of(client)
    assert len(verified(client, pick(client, second.pk).content.decode())[CONTENT_ITEMS]) == 1


def test_lessons_the_teacher_cannot_see_are_refused_and_nothing_is_sent(client, personas, registration, library, key):
    theirs = own_lesson(personas.unrelated_teacher, library)
    draft = lesson_copy(lesson=library.lesson, teacher=personas.teacher)  # never published
    launched(client, personas.teacher, registration)
    for ids in ([library.lesson.pk, theirs.pk], [draft.pk], [999999], []):
        response = pick(client, *ids)
        page = response.content.decode()
        assert response.status_code == 400, ids
        assert "JWT" not in page and ("not open to you" in page or "at least one" in page)
    assert client.post(reverse("lti:deep_link"), {"do": "return", "lesson": "abc"}).status_code == 400
    assert DEEP_LINK_KEY in session_of(client)


def test_a_co_teacher_may_return_a_colleagues_lesson_of_their_class(client, personas, registration, library, key):
    mine = own_lesson(personas.teacher, library)
    launched(client, personas.co_teacher, registration)
    claims = verified(client, pick(client, mine.pk).content.decode())
    assert claims[CONTENT_ITEMS][0]["custom"] == {"baeum_lesson": str(mine.pk)}


def test_a_request_without_resource_links_gets_a_message_and_an_empty_answer(client, personas, registration, key):
    launched(client, personas.teacher, registration, accept_types=["link", "file"], data="d-1")
    response = client.get(reverse("lti:deep_link"))
    page = response.content.decode()
    assert response.status_code == 200 and "Baeum cannot answer this request" in page
    assert "<code>link</code>, <code>file</code>" in page and 'value="decline"' in page
    assert pick(client, 1).status_code == 400  # no lessons to a request that takes none
    claims = verified(client, client.post(reverse("lti:deep_link"), {"do": "decline"}).content.decode())
    assert claims[CONTENT_ITEMS] == [] and "only add lessons as LTI links" in claims[ERRORMSG]
    assert claims[DATA] == "d-1" and DEEP_LINK_KEY not in session_of(client)


def test_cancel_returns_an_empty_answer(client, personas, registration, library, key):
    launched(client, personas.teacher, registration)
    claims = verified(client, client.post(reverse("lti:deep_link"), {"do": "cancel"}).content.decode())
    assert claims[CONTENT_ITEMS] == [] and claims[MSG] == "No lesson was added."


def test_a_registration_with_its_own_key_signs_with_it(client, personas, registration, library, key):
    own = Key.objects.generate()
    registration.public_key, registration.private_key = own.public_key, own.private_key
    registration.save()
    own.is_active = False  # not in the JWKS: the LMS was given this key directly
    own.save()
    launched(client, personas.teacher, registration)
    page = pick(client, library.lesson.pk).content.decode()
    token = unescape(re.search(r'name="JWT" value="([^"]+)"', page).group(1))
    assert jwt.get_unverified_header(token)["kid"] == own.as_jwk()["kid"]
    claims = jwt.decode(token, own.public_key, algorithms=["RS256"], audience=ISSUER)
    assert claims["iss"] == CLIENT_ID


def test_clear_refusals_when_the_request_cannot_be_answered(client, personas, registration, library):
    launched(client, personas.teacher, registration, deep_link_return_url="javascript:alert(1)")
    response = client.get(reverse("lti:deep_link"))
    assert response.status_code == 400 and "bad_return_url" in response.content.decode()
    launched(client, personas.teacher, registration)
    registration.is_active = False
    registration.save()
    response = pick(client, library.lesson.pk)
    assert response.status_code == 403 and "no longer registered" in response.content.decode()


# --- against the test platform (lti1p3platform), over HTTP on 127.0.0.1 --------------------------------


def return_form(page: str) -> tuple[str, str]:
    action = unescape(re.search(r'<form method="post" action="([^"]+)" data-auto-submit>', page).group(1))
    return action, unescape(re.search(r'name="JWT" value="([^"]+)"', page).group(1))


@pytest.fixture
def platform_course(lti_platform, personas):  # noqa: F811
    reg = register_baeum(lti_platform, personas.school)
    lti_platform.add_context("course-1", title="4학년 1반 수학", label="4-1")
    lti_platform.add_user("teacher-1", [INSTRUCTOR], name="박선생", contexts=["course-1"])
    lti_platform.add_user("learner-1", [LEARNER], name="김민준", contexts=["course-1"])
    return reg


def deep_linking_launch(client, reg, **settings: Any):
    response = launch_through_platform(
        client,
        reg,
        user="teacher-1",
        context="course-1",
        message_type=DEEP_LINKING_REQUEST,
        deep_linking_settings=settings,
    )
    assert response.status_code == 302 and response["Location"] == reverse("lti:deep_link"), response.content[:800]
    use_english(client)
    return response


def test_lessons_picked_in_the_platform_become_its_links_and_a_learner_launches_one(client, library, platform_course):
    platform = platform_course.platform
    second = unscored_lesson(library)
    deep_linking_launch(client, platform_course, data="dl-42")
    assert library.lesson.title in client.get(reverse("lti:deep_link")).content.decode()
    action, token = return_form(pick(client, library.lesson.pk, second.pk).content.decode())
    assert action == platform.deep_link_return_url
    answer = requests.post(action, data={"JWT": token}, timeout=10)
    assert answer.status_code == 200, answer.text
    scored, unscored = platform.deep_link_links
    assert scored.custom == {"baeum_lesson": str(library.lesson.pk)} and scored.url == "http://testserver/lti/launch/"
    assert scored.context_id == "course-1" and scored.title == library.lesson.title
    line_item = platform.lineitem_for_link(scored.id)
    assert line_item is not None and line_item.score_maximum == 8 and line_item.label == library.lesson.title
    assert line_item.resource_id == f"baeum-lesson-{library.lesson.pk}" and line_item.tag == "baeum"
    assert unscored.custom == {"baeum_lesson": str(second.pk)} and platform.lineitem_for_link(unscored.id) is None
    assert requests.post(action, data={"JWT": token}, timeout=10).status_code == 400  # one response per request

    learner = Client()
    response = launch_through_platform(
        learner, platform_course, user="learner-1", context="course-1", resource_link=scored.id
    )
    assert response.status_code == 302 and response["Location"] == library.lesson.url
    link = AssignmentLink.objects.get(resource_link__id_on_platform=scored.id)
    assert link.lesson == library.lesson and link.lineitem_url == line_item.url


def test_the_platform_gets_an_empty_answer_when_it_asks_for_no_links(client, library, platform_course):
    platform = platform_course.platform
    deep_linking_launch(client, platform_course, accept_types=["link", "file"])
    assert "Baeum cannot answer this request" in client.get(reverse("lti:deep_link")).content.decode()
    action, token = return_form(client.post(reverse("lti:deep_link"), {"do": "decline"}).content.decode())
    answer = requests.post(action, data={"JWT": token}, timeout=10)
    assert answer.status_code == 200, answer.text
    assert platform.deep_link_links == [] and "only add lessons as LTI links" in answer.text
    assert platform.deep_link_responses[-1][ERRORMSG].startswith("Baeum can only add lessons")


def test_the_platform_takes_a_single_lesson_when_it_asks_for_one(client, library, platform_course):
    platform = platform_course.platform
    second = unscored_lesson(library)
    deep_linking_launch(client, platform_course, accept_multiple=False)
    assert pick(client, library.lesson.pk, second.pk).status_code == 400
    action, token = return_form(pick(client, second.pk).content.decode())
    assert requests.post(action, data={"JWT": token}, timeout=10).status_code == 200
    assert [link.custom for link in platform.deep_link_links] == [{"baeum_lesson": str(second.pk)}]
