"""The Celery app: one queue per kind of work (default, cameras, roster)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsroom.settings")

app = Celery("opsroom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
