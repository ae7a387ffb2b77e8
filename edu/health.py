"""``/healthz``: the state of every backing service, as JSON, for load balancers and admins.

Each probe is bounded in time and reports ``ok`` plus the backend in use; the response is 200 only
when every probe is ok, 503 otherwise. Nothing personal is reported.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from celery import shared_task
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

PROBE_TIMEOUT = 2.0


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"backend": connection.vendor}


def check_cache() -> dict[str, Any]:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    found = cache.get(key) == "1"
    cache.delete(key)
    if not found:
        raise RuntimeError("value written was not read back")
    return {"backend": str(settings.CACHES["default"]["BACKEND"]).rsplit(".", 1)[-1]}


async def _channel_roundtrip() -> None:
    layer = get_channel_layer()
    assert layer is not None
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "healthz.ping"})
    message = await asyncio.wait_for(layer.receive(channel), PROBE_TIMEOUT)
    if message.get("type") != "healthz.ping":
        raise RuntimeError("unexpected message")


def check_channel_layer() -> dict[str, Any]:
    async_to_sync(_channel_roundtrip)()
    return {"backend": str(settings.CHANNEL_LAYERS["default"]["BACKEND"]).rsplit(".", 1)[-1]}


def check_broker() -> dict[str, Any]:
    from edu.celery import app

    if app.conf.task_always_eager:
        return {"backend": "eager"}
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=PROBE_TIMEOUT)
        transport = conn.transport_cls
    return {"backend": str(transport)}


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": check_database,
    "cache": check_cache,
    "channel_layer": check_channel_layer,
    "broker": check_broker,
}


def run_checks() -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            result = {"ok": True, **check()}
        except Exception as exc:  # any failure is the answer, not a crash
            result = {"ok": False, "error": exc.__class__.__name__}
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    return results


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = run_checks()
    healthy = all(item["ok"] for item in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)


@shared_task(name="edu.health.ping")
def ping(token: str) -> dict[str, str]:
    """A real task for probing workers end to end: returns the token it was given."""
    import socket

    return {"token": token, "worker": socket.gethostname()}
