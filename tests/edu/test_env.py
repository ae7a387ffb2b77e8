import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from edu.env import Env

ROOT = Path(__file__).resolve().parents[2]


def test_bool_accepts_common_spellings_and_rejects_typos():
    env = Env({"A": "yes", "B": "0", "C": "ture"})
    assert env.bool("A") is True
    assert env.bool("B") is False
    assert env.bool("MISSING", True) is True
    with pytest.raises(ImproperlyConfigured, match="C='ture' is not a boolean"):
        env.bool("C")


def test_int_checks_type_and_range():
    env = Env({"N": "12", "BAD": "twelve", "LOW": "3"})
    assert env.int("N", 1) == 12
    with pytest.raises(ImproperlyConfigured, match="BAD='twelve' is not a whole number"):
        env.int("BAD", 1)
    with pytest.raises(ImproperlyConfigured, match="LOW=3 is below the minimum of 10"):
        env.int("LOW", 20, minimum=10)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u@h/db", "must start with one of"),
        ("postgres://user@:5432/db", "names no host"),
        ("postgres://user@host:notaport/db", "malformed port"),
        ("postgres://user@host:5432", "names no database"),
        ("not a url", "must start with one of"),
    ],
)
def test_malformed_database_url_is_refused_with_its_name(url, message):
    with pytest.raises(ImproperlyConfigured, match=message) as info:
        Env({"DATABASE_URL": url}).database("DATABASE_URL", {})
    assert "DATABASE_URL" in str(info.value)


def test_database_url_postgres_and_default():
    config = Env({"DATABASE_URL": "postgres://baeum:pw@db.internal:5433/baeum"}).database("DATABASE_URL", {})
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 5433, "baeum")
    assert Env({}).database("DATABASE_URL", {"ENGINE": "x"}) == {"ENGINE": "x"}


def test_redis_url_scheme_checked():
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL must start with one of redis://, rediss://"):
        Env({"REDIS_URL": "http://127.0.0.1:6379"}).url("REDIS_URL", ("redis", "rediss"))


def test_start_up_fails_loudly_on_malformed_database_url(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://nohost", "BAEUM_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DATABASE_URL names no database" in result.stderr
