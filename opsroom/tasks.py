"""Tasks of the ops room itself."""

import time

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

HEARTBEAT_KEY = "worker-heartbeat"


@shared_task(name="opsroom.tasks.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Beat sends this; a worker that runs it proves the broker, beat and a worker all work."""
    cache.set(HEARTBEAT_KEY, time.time(), timeout=settings.WORKER_HEARTBEAT_MAX_AGE_S * 10)
