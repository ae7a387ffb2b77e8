"""The layout holds: every module of classrooms' core is under the import contract, no module of
the code grows past 400 lines, and no test package imports another one's conftest."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 400


def contract(contract_id: str) -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [found] = [c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == contract_id]
    return found


def test_every_core_module_of_classrooms_is_under_the_contract():
    core = {f"classrooms.{path.stem}" for path in (ROOT / "classrooms").glob("*.py") if path.stem != "__init__"} | {
        f"classrooms.{path.name}"
        for path in (ROOT / "classrooms").iterdir()
        if path.is_dir() and (path / "__init__.py").exists()
    }
    # Entry points (management commands) may use every layer, like the project URLconf.
    core -= {
        "classrooms.live",
        "classrooms.assignments",
        "classrooms.privacy",
        "classrooms.migrations",
        "classrooms.management",
    }
    assert core == set(contract("classrooms-core")["source_modules"])


def test_the_layers_forbid_what_the_architecture_says():
    assert set(contract("content")["forbidden_modules"]) == {
        "classrooms.live",
        "classrooms.assignments",
        "classrooms.privacy",
    }
    assert set(contract("classrooms-core")["forbidden_modules"]) == {
        "courses",
        "classrooms.live",
        "classrooms.assignments",
        "classrooms.privacy",
    }
    assert set(contract("accounts")["forbidden_modules"]) == {"classrooms", "courses"}


def sources() -> list[Path]:
    python = [
        p
        for folder in ("edu", "classrooms", "courses", "lti")
        for p in (ROOT / folder).rglob("*.py")
        if "migrations" not in p.parts
    ]
    typescript = list((ROOT / "frontend" / "src").rglob("*.ts"))
    return python + typescript


def test_no_module_is_over_400_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in sources()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_test_package_imports_another_ones_conftest():
    pattern = re.compile(r"^\s*(?:from|import)\s+tests(?:\.\w+)*\.conftest\b", re.M)
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "tests").rglob("*.py")
        if pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_lti_is_the_top_layer():
    assert contract("lti-on-top")["forbidden_modules"] == ["lti"]
    assert {"classrooms", "courses", "edu.accounts", "edu.records"} <= set(contract("lti-on-top")["source_modules"])


def test_lti_checks_are_plain_functions_without_the_orm():
    """The checks Baeum adds to LTI launches (ADR 0010) import no ORM, no HTTP client, no request."""
    import ast

    rules = ("lti/tool/checks.py", "lti/platform/claims.py", "lti/platform/auth_rules.py")
    platform_rules = ("deep_linking_rules", "token_rules", "ags_rules", "registry_rules")
    for name in (*rules, *(f"lti/platform/{module}.py" for module in platform_rules)):
        tree = ast.parse((ROOT / name).read_text())
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module} | {
            a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
        }
        assert not {
            m for m in imported if m.startswith(("django.db", "django.http", "requests", "lti_tool", "lti.models"))
        }, name
