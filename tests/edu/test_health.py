import pytest
from django.conf import settings

from edu import health


@pytest.mark.django_db
def test_healthz_reports_every_service(client):
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "channel_layer", "broker"}
    assert all(check["ok"] for check in body["checks"].values())
    expected_layer = settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
    assert body["checks"]["channel_layer"]["backend"] == expected_layer
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_is_503_when_a_service_fails(client, monkeypatch):
    def broken() -> dict:
        raise ConnectionError("down")

    monkeypatch.setitem(health.CHECKS, "cache", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == {
        "ok": False,
        "error": "ConnectionError",
        "ms": pytest.approx(0, abs=50),
    }


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405
