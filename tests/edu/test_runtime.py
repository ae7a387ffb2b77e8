"""The runtime the suite runs on is the one it claims: CI can never fall back to the embedded default."""

import os

import pytest
from django.conf import settings
from django.db import connection

from edu.celery import app as celery_app

IN_CI = bool(os.environ.get("CI"))


@pytest.mark.skipif(not IN_CI, reason="only CI promises PostgreSQL and Redis")
def test_ci_runs_on_postgresql_redis_and_a_real_broker():
    assert connection.vendor == "postgresql"
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert celery_app.conf.broker_url.startswith("redis://")
    assert celery_app.conf.task_always_eager is False


@pytest.mark.skipif(IN_CI, reason="the embedded default is what make run uses")
def test_embedded_default_without_environment():
    if os.environ.get("DATABASE_URL") or os.environ.get("REDIS_URL"):
        pytest.skip("services configured explicitly")
    assert connection.vendor == "sqlite"
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
    assert celery_app.conf.task_always_eager is True


def test_redis_pool_size_is_explicit_when_redis_is_used():
    if not settings.REDIS_URL:
        pytest.skip("no Redis configured")
    [host] = settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"]
    assert host["max_connections"] == settings.REDIS_MAX_CONNECTIONS
