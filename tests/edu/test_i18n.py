"""Korean by default, English on request, and every message of ours translated to Korean."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_pages_are_korean_by_default(client):
    response = client.get("/")
    page = response.content.decode()
    assert '<html lang="ko">' in page
    assert "학생" in page and "Teachers" not in page


@pytest.mark.django_db
def test_language_switch_to_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    page = response.content.decode()
    assert '<html lang="en">' in page and "Teacher sign-in" in page
    response = client.post(reverse("set_language"), {"language": "ko", "next": "/"}, follow=True)
    assert '<html lang="ko">' in response.content.decode()


def test_every_korean_message_is_translated():
    import subprocess

    po = ROOT / "locale" / "ko" / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True, check=True
    )
    stats = result.stderr.strip()
    assert "translated" in stats
    assert "untranslated" not in stats and "fuzzy" not in stats, stats


@pytest.mark.django_db
def test_browser_language_does_not_override_korean_first(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="ko">' in page


def _msgids(po: Path) -> set[str]:
    import subprocess

    # One line per message (no wrapping), so each msgid is read whole.
    flat = subprocess.run(
        ["msgcat", "--no-wrap", "--no-location", str(po)], capture_output=True, text=True, check=True
    ).stdout
    return {line[len('msgid "') : -1] for line in flat.splitlines() if line.startswith('msgid "')} - {""}


def test_the_korean_catalogue_has_every_message_of_the_sources(tmp_path):
    """`makemessages` over a copy of the sources finds no message the committed catalogue lacks."""
    import shutil
    import subprocess
    import sys

    for name in ["edu", "classrooms", "courses", "lti", "locale"]:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ko", "--verbosity=0"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path), "BAEUM_VAR_DIR": str(tmp_path / "var")},
        check=True,
        capture_output=True,
    )
    committed = _msgids(ROOT / "locale" / "ko" / "LC_MESSAGES" / "django.po")
    extracted = _msgids(tmp_path / "locale" / "ko" / "LC_MESSAGES" / "django.po")
    assert extracted - committed == set(), "run makemessages and translate these"
