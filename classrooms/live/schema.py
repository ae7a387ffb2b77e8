"""The live protocol as JSON Schema, for the browser and the docs (ADR 0008).

``python -m classrooms.live.schema`` writes ``frontend/src/live/protocol.schema.json`` from the
declarations in ``classrooms.live.protocol``; ``--check`` exits 1 when the file is stale (a test
runs the same comparison). Besides the frames, the file carries what the scripts must agree with:
which roles may send each client frame, the label keys each live page receives, the activity
kinds of the registry, which of them are typed text (shown to the class only when picked) and how
many times a question may be asked."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Union

import msgspec

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "frontend" / "src" / "live" / "protocol.schema.json"


def schema() -> dict[str, Any]:
    from classrooms.live import labels, protocol
    from courses import activities

    client = Union[tuple(protocol.CLIENT_FRAMES.values())]  # type: ignore[valid-type]  # noqa: UP007
    server = Union[protocol.SERVER_FRAMES]  # type: ignore[valid-type]  # noqa: UP007
    events = list(protocol.EVENTS.values())
    (client_schema, server_schema, *event_schemas), components = msgspec.json.schema_components(
        [client, server, *events], ref_template="#/$defs/{name}"
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$comment": "Generated from classrooms/live/protocol.py by `python -m classrooms.live.schema`. Do not edit.",
        "title": "Baeum live protocol",
        "protocol": protocol.PROTOCOL_VERSION,
        "client": client_schema,
        "roles": {tag: sorted(frame.roles) for tag, frame in protocol.CLIENT_FRAMES.items()},
        "server": server_schema,
        "events": dict(zip(protocol.EVENTS, event_schemas, strict=True)),
        "labels": {
            "console": sorted(labels.console_labels()),
            "question": sorted(labels.question_labels()),
            "student": sorted(labels.student_labels()),
        },
        "activities": activities.browser_contract(),
        "free_text": sorted(kind for kind in activities.ACTIVITY_TYPES if activities.is_free_text(kind)),
        "max_attempts": protocol.MAX_ATTEMPTS,
        "$defs": components,
    }


def render() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    import django

    django.setup()
    text = render()
    if "--check" in argv:
        current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
        if current != text:
            print(f"{SCHEMA_FILE} is stale: run `python -m classrooms.live.schema`", file=sys.stderr)
            return 1
        return 0
    SCHEMA_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
    return 0


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu.settings")
    sys.exit(main(sys.argv[1:]))
