"""Tasks of the ops room itself."""

import time

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from opsroom.live import publish

HEARTBEAT_KEY = "worker-heartbeat"


@shared_task(name="opsroom.tasks.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Beat sends this; a worker that runs it proves the broker, beat and a worker all work."""
    cache.set(HEARTBEAT_KEY, time.time(), timeout=settings.WORKER_HEARTBEAT_MAX_AGE_S * 10)


@shared_task(name="opsroom.tasks.prune_live_events", ignore_result=True)
def prune_live_events() -> None:
    """Beat sends this: live events older than the retention go; clients that old reload instead."""
    publish.prune()
