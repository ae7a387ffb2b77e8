"""The test platform's services on their own (no Baeum): the token endpoint, AGS and NRPS, called over
real HTTP by a simulated tool holding a throwaway RSA key."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from tests.lti.platform import INSTRUCTOR, LEARNER, RsaKey, TestPlatform
from tests.lti.platform.fixtures import lti_platform  # noqa: F401 - a fixture
from tests.lti.platform.state import (
    LINEITEM_MEDIA,
    MEMBERSHIPS_MEDIA,
    SCOPE_LINEITEM,
    SCOPE_NRPS,
    SCOPE_RESULT_READONLY,
    SCOPE_SCORE,
    SCORE_MEDIA,
)
from tests.lti.platform.toolsim import SimulatedTool
from tests.lti.platform.web import BackgroundServer

ALL_SCOPES = [SCOPE_LINEITEM, SCOPE_RESULT_READONLY, SCOPE_SCORE, SCOPE_NRPS]


@pytest.fixture
def platform(lti_platform: TestPlatform) -> Iterator[TestPlatform]:  # noqa: F811 - the imported fixture
    yield lti_platform
    assert lti_platform.errors == []


@pytest.fixture
def sim(platform: TestPlatform) -> SimulatedTool:
    tool = SimulatedTool(platform)
    tool.register()
    return tool


def stamp(seconds: float = 0) -> str:
    return (datetime(2025, 3, 2, 9, 0, tzinfo=UTC) + timedelta(seconds=seconds)).isoformat(timespec="milliseconds")


def score(user: str, given: float, seconds: float = 0, **extra: Any) -> dict[str, Any]:
    return {
        "userId": user,
        "scoreGiven": given,
        "scoreMaximum": 10,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": stamp(seconds),
        **extra,
    }


def post_score(url: str, token: str, body: Any, content_type: str = SCORE_MEDIA) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
    return requests.post(f"{url}/scores", json=body, headers=headers, timeout=10)


def test_the_token_endpoint_issues_opaque_tokens(platform: TestPlatform, sim: SimulatedTool) -> None:
    answer = requests.post(platform.token_url, data=sim.token_form([SCOPE_SCORE, "https://example.org/x"]), timeout=10)
    assert answer.status_code == 200
    body = answer.json()
    assert body["scope"] == SCOPE_SCORE and body["expires_in"] == 3600 and body["token_type"] == "Bearer"
    assert body["access_token"].count(".") != 2  # not a JWT
    assert answer.headers["Cache-Control"] == "no-store"
    assert platform.tokens_issued == 1


def test_the_token_endpoint_can_fetch_the_tool_jwks_over_http(platform: TestPlatform) -> None:
    key = RsaKey.generate()
    jwks_server = BackgroundServer(json_app(key.jwks())).start()
    try:
        sim = SimulatedTool(platform, key=key)
        sim.register(jwks=None, jwks_url=f"{jwks_server.base_url}/jwks")
        assert sim.access_token([SCOPE_NRPS])
    finally:
        jwks_server.stop()


def json_app(data: dict[str, Any]) -> Callable[..., list[bytes]]:
    """A WSGI app answering `data` as JSON (the simulated tool's JWKS endpoint)."""
    body = json.dumps(data).encode()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]

    return app


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"aud": "http://127.0.0.1/elsewhere"}, 401),
        ({"iss": "someone-else"}, 401),
        ({"exp": 1}, 401),
        ({"iat": None}, 401),
        ({"jti": None}, 401),
        ({"grant_type": "password"}, 400),
        ({"client_assertion_type": "urn:other"}, 400),
        ({"stranger_key": True}, 401),
    ],
)
def test_the_token_endpoint_refuses_a_bad_assertion(
    platform: TestPlatform, sim: SimulatedTool, overrides: dict[str, Any], status: int
) -> None:
    form_overrides: dict[str, Any] = {
        k: overrides.pop(k) for k in ("grant_type", "client_assertion_type") if k in overrides
    }
    if overrides.pop("stranger_key", False):
        form = SimulatedTool(platform, key=RsaKey.generate(kid=sim.key.kid)).token_form([SCOPE_SCORE])
    else:
        form = sim.token_form([SCOPE_SCORE], **overrides)
    answer = requests.post(platform.token_url, data={**form, **form_overrides}, timeout=10)
    assert answer.status_code == status, answer.text
    assert "access_token" not in answer.json()
    assert platform.tokens_issued == 0 and len(platform.refusals_at("token")) == 1


def test_a_client_assertion_is_used_once(platform: TestPlatform, sim: SimulatedTool) -> None:
    form = sim.token_form([SCOPE_SCORE])
    assert requests.post(platform.token_url, data=form, timeout=10).status_code == 200
    replay = requests.post(platform.token_url, data=form, timeout=10)
    assert replay.status_code == 401 and "jti" in replay.json()["error_description"]


def test_nrps_pages_the_members(platform: TestPlatform, sim: SimulatedTool) -> None:
    platform.add_context("c", title="3학년 2반")
    platform.add_user("t", [INSTRUCTOR], name="박선생", email="park@example.org", contexts=["c"])
    platform.add_user("s1", [LEARNER], given_name="민지", family_name="김", contexts=["c"])
    platform.add_member("c", "s2", [LEARNER], status="Inactive")  # no personal data at all
    token = sim.access_token([SCOPE_NRPS])
    url = platform.memberships_url("c")

    first = requests.get(url, params={"limit": 2}, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert first.status_code == 200
    assert first.headers["Content-Type"] == MEMBERSHIPS_MEDIA
    assert first.json()["context"] == {"id": "c", "label": "c", "title": "3학년 2반"}
    assert [m["user_id"] for m in first.json()["members"]] == ["t", "s1"]
    assert first.json()["members"][0]["email"] == "park@example.org"
    assert "next" in first.links
    second = requests.get(first.links["next"]["url"], headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert second.json()["members"] == [{"user_id": "s2", "roles": [LEARNER], "status": "Inactive"}]
    assert "next" not in second.links

    learners = requests.get(url, params={"role": "Learner"}, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert [m["user_id"] for m in learners.json()["members"]] == ["s1", "s2"]
    score_only = sim.access_token([SCOPE_SCORE])
    refused = requests.get(url, headers={"Authorization": f"Bearer {score_only}"}, timeout=10)
    assert refused.status_code == 403
    assert requests.get(url, timeout=10).status_code == 401


def test_ags_line_items_scores_and_results(platform: TestPlatform, sim: SimulatedTool) -> None:
    platform.add_resource_link("rl", "c", sim.tool)
    token = sim.access_token(ALL_SCOPES)
    auth = {"Authorization": f"Bearer {token}"}
    created = requests.post(
        platform.lineitems_url("c"),
        json={"label": "분수", "scoreMaximum": 10, "resourceLinkId": "rl", "tag": "quiz"},
        headers={**auth, "Content-Type": LINEITEM_MEDIA},
        timeout=10,
    )
    assert created.status_code == 201
    item_url = created.json()["id"]
    platform.add_lineitem("c", sim.tool, label="다른 것", scoreMaximum=5)
    listed = requests.get(platform.lineitems_url("c"), params={"resource_link_id": "rl"}, headers=auth, timeout=10)
    assert [i["id"] for i in listed.json()] == [item_url]
    assert len(requests.get(platform.lineitems_url("c"), headers=auth, timeout=10).json()) == 2
    updated = requests.put(
        item_url,
        json={"label": "분수 (수정)", "scoreMaximum": 20},
        headers={**auth, "Content-Type": LINEITEM_MEDIA},
        timeout=10,
    )
    assert updated.json()["label"] == "분수 (수정)" and updated.json()["id"] == item_url

    assert post_score(item_url, token, score("s1", 7, seconds=10)).status_code in (200, 201)
    older = post_score(item_url, token, score("s1", 9, seconds=5))
    assert older.status_code == 409
    assert post_score(item_url, token, score("s1", 8, seconds=20)).status_code == 200
    assert [s["scoreGiven"] for s in platform.scores_for(item_url, "s1")] == [7, 8]
    assert [r.reason for r in platform.refused_scores] == ["timestamp not newer than the last one"]

    results = requests.get(f"{item_url}/results", headers=auth, timeout=10).json()
    assert results == [
        {"id": f"{item_url}/results/s1", "scoreOf": item_url, "userId": "s1", "resultScore": 8, "resultMaximum": 10}
    ]


@pytest.mark.parametrize(
    "body",
    [
        score("s1", 7, timestamp="2025-03-02T09:00:00+00:00"),  # no sub-second precision
        score("s1", 7, timestamp="2025-03-02T09:00:00.123"),  # no offset
        score("s1", 7, activityProgress="Done"),
        score("s1", -1),
        score("s1", 7, scoreMaximum=None),
        score("", 7),
        [],
    ],
)
def test_ags_refuses_a_malformed_score(platform: TestPlatform, sim: SimulatedTool, body: Any) -> None:
    item = platform.add_lineitem("c", sim.tool, label="x", scoreMaximum=10)
    response = post_score(item.url, sim.access_token([SCOPE_SCORE]), body)
    assert response.status_code == 400
    assert platform.scores_for(item, "s1") == [] and len(platform.refused_scores) == 1


def test_ags_checks_media_type_and_scopes(platform: TestPlatform, sim: SimulatedTool) -> None:
    item = platform.add_lineitem("c", sim.tool, label="x", scoreMaximum=10)
    score_token = sim.access_token([SCOPE_SCORE])
    assert post_score(item.url, score_token, score("s1", 1), content_type="application/json").status_code == 415
    read_token = sim.access_token([SCOPE_RESULT_READONLY])
    assert post_score(item.url, read_token, score("s1", 1)).status_code == 403
    assert post_score(item.url, "not-a-token", score("s1", 1)).status_code == 401
    platform.expire_tokens()
    assert post_score(item.url, score_token, score("s1", 1)).status_code == 401
    other = SimulatedTool(platform, client_id="other-tool")
    other.register()
    assert post_score(item.url, other.access_token([SCOPE_SCORE]), score("s1", 1)).status_code == 404


def test_score_failure_hooks(platform: TestPlatform, sim: SimulatedTool) -> None:
    item = platform.add_lineitem("c", sim.tool, label="x", scoreMaximum=10)
    token = sim.access_token([SCOPE_SCORE])
    platform.fail_next_scores(2)
    statuses = [post_score(item.url, token, score("s1", 5, seconds=n)).status_code for n in range(3)]
    assert statuses == [503, 503, 201]
    platform.fail_scores_permanently(status=400)
    assert post_score(item.url, token, score("s1", 6, seconds=10)).status_code == 400
    assert post_score(item.url, token, score("s1", 6, seconds=11)).status_code == 400
    platform.reset_score_failures()
    assert post_score(item.url, token, score("s1", 6, seconds=12)).status_code == 200
    assert [s["timestamp"] for s in platform.scores_for(item, "s1")] == [stamp(2), stamp(12)]
    assert [a.status for a in platform.score_attempts] == [503, 503, 201, 400, 400, 200]
