"""The Celery app. Embedded default: tasks run eagerly in-process; with REDIS_URL: Redis broker."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu.settings")

app = Celery("edu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
