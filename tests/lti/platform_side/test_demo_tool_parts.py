"""The demo tool's parts: its key (made once, mode 0600, kept across restarts, published), its
registrations store, the exercises' marking, the issuer rule of dynamic registration, its pages
(Korean, labelled as a demo, phone-sized) and that it runs without Django."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import requests

from demo_tool.dynreg import issuer_matches, url_allowed
from demo_tool.exercises import BY_ID, EXERCISES, exercise_for_launch, mark
from demo_tool.keys import KEY_FILE
from demo_tool.registrations import PlatformRegistration, RegistrationStore
from tests.lti.platform_side.demo_tool_process import DemoTool, demo_tool  # noqa: F401 - a fixture
from tests.servers import ROOT


def test_the_key_is_made_once_private_and_published(demo_tool: DemoTool) -> None:  # noqa: F811
    key_file = demo_tool.data_dir / KEY_FILE
    assert key_file.stat().st_mode & 0o777 == 0o600
    kid = requests.get(demo_tool.url + "/health", timeout=10).json()["kid"]
    (jwk,) = demo_tool.jwks()["keys"]
    assert (jwk["kid"], jwk["kty"], jwk["alg"], jwk["use"]) == (kid, "RSA", "RS256", "sig")
    assert "d" not in jwk and "p" not in jwk  # the public half only
    pem = key_file.read_bytes()

    demo_tool.restart()

    assert key_file.read_bytes() == pem
    assert demo_tool.jwks()["keys"][0]["kid"] == kid


def _registration(client_id: str = "c1", **changes: object) -> PlatformRegistration:
    values: dict[str, object] = {
        "issuer": "https://baeum.example.kr",
        "client_id": client_id,
        "auth_login_url": "https://baeum.example.kr/auth",
        "auth_token_url": "https://baeum.example.kr/token",
        "key_set_url": "https://baeum.example.kr/jwks",
        "deployment_ids": ["d1"],
    }
    values.update(changes)
    return PlatformRegistration(**values)  # type: ignore[arg-type]


def test_the_store_replaces_a_registration_of_the_same_issuer_and_client(tmp_path: Path) -> None:
    store = RegistrationStore(tmp_path / "tool")
    store.save(_registration())
    store.save(_registration("c2"))
    store.save(_registration(deployment_ids=["d1", "d2"]))

    assert [(r.client_id, r.deployment_ids) for r in store.all()] == [("c2", ["d1"]), ("c1", ["d1", "d2"])]
    assert store.find("https://baeum.example.kr", "c1") is not None
    assert store.find("https://baeum.example.kr", None) is None  # two clients: a login must name one
    assert store.find("https://other.example", "c1") is None
    assert sorted(p.name for p in store.data_dir.iterdir()) == ["registrations.json", "registrations.json.lock"]
    assert store.path.stat().st_mode & 0o777 == 0o600


def test_the_store_skips_a_malformed_entry_and_refuses_to_write_one(tmp_path: Path) -> None:
    store = RegistrationStore(tmp_path)
    good = _registration().to_json()
    store.path.write_text(json.dumps({"registrations": [{"issuer": "x"}, good]}), encoding="utf-8")
    assert [r.client_id for r in store.all()] == ["c1"]
    try:
        store.save(_registration(key_set_url=""))
    except ValueError as error:
        assert "key_set_url" in str(error)
    else:
        raise AssertionError("a registration without a JWKS URL was stored")


def test_marking() -> None:
    fractions = BY_ID["fractions"]
    assert mark(fractions, {"q1": "0", "q2": "1", "q3": "2"}).score == 3
    wrong = mark(fractions, {"q1": "1", "q2": "9", "q3": "x"})
    assert (wrong.score, wrong.maximum, wrong.correct, wrong.answered) == (0, 3, (False, False, False), 1)
    assert all(e.max_score == len(e.questions) == 3 for e in EXERCISES)
    assert len({e.id for e in EXERCISES}) == len(EXERCISES) >= 3


def test_the_launch_names_its_exercise() -> None:
    url = "http://127.0.0.1:8001/launch?exercise=water"
    assert exercise_for_launch({"exercise": "spelling"}, url) is BY_ID["spelling"]  # the custom parameter wins
    assert exercise_for_launch({}, url) is BY_ID["water"]
    assert exercise_for_launch(None, "http://127.0.0.1:8001/launch") is None
    assert exercise_for_launch({"exercise": "nope"}, url) is None


def test_the_issuer_rule_of_dynamic_registration() -> None:
    conf = "https://lms.example/tenant/.well-known/openid-configuration"
    assert issuer_matches("https://lms.example/tenant", conf)
    assert issuer_matches("https://lms.example", conf)
    assert issuer_matches("https://LMS.example/tenant/", conf)
    assert not issuer_matches("https://lms.example/ten", conf)
    assert not issuer_matches("https://lms.example.evil/tenant", "https://lms.example.evil.com/tenant/x")
    assert not issuer_matches("http://lms.example/tenant", conf)
    assert not issuer_matches("https://lms.example:444/tenant", conf)
    assert not issuer_matches("https://lms.example/tenant?x=1", conf)
    assert not issuer_matches(None, conf)
    assert url_allowed("https://lms.example/x") and url_allowed("http://127.0.0.1:8000/x")
    assert url_allowed("http://localhost/x") and url_allowed("http://[::1]:8000/x")
    assert not url_allowed("http://lms.example/x") and not url_allowed("ftp://127.0.0.1/x")


def test_the_home_page_is_korean_labelled_and_phone_sized(demo_tool: DemoTool) -> None:  # noqa: F811
    page = requests.get(demo_tool.url + "/", timeout=10)
    assert page.status_code == 200 and '<html lang="ko">' in page.text
    assert "데모 콘텐츠 제공자 — 연습용 도구입니다" in page.text
    assert 'content="width=device-width, initial-scale=1"' in page.text
    for exercise in EXERCISES:
        assert exercise.title in page.text
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert requests.get(demo_tool.url + "/nope", timeout=10).status_code == 404
    assert requests.get(demo_tool.launch_url, timeout=10).status_code == 405


def test_the_tool_runs_without_django() -> None:
    code = (
        "import sys, demo_tool.__main__, demo_tool.app;"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'edu', 'lti', 'classrooms'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, env={})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
