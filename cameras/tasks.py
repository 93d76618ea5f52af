"""Celery tasks of the cameras app (routed to the ``cameras`` queue, a polling network's batches to
its own queue): thin, they take ids and call the polling and evidence code."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from cameras import reach
from cameras.actions.evidence import do_prune_snapshots
from cameras.polling import cycle
from cameras.polling.batch import poll_leased
from cameras.reach import queue_for

# Beat runs enqueue_due every few seconds; this many batches at most per run (across all polling
# networks) keeps one run short and leaves the rest for the next run, so the queues never hold more
# than the workers can take.
MAX_BATCHES_PER_RUN = 200

@shared_task(name="cameras.enqueue_due", ignore_result=True)
def enqueue_due() -> int:
    """Lease the due cameras in batches, per polling network, and hand each batch to a worker of that
    network; returns how many cameras."""
    batches = cycle.claim_across_queues(settings.CAMERA_POLL_BATCH_SIZE, settings.CAMERA_POLL_LEASE_S,
                                        MAX_BATCHES_PER_RUN)
    for poll_queue, token, ids in batches:
        poll_batch.apply_async(args=(token, ids), queue=queue_for(poll_queue), expires=settings.CAMERA_POLL_LEASE_S)
    return sum(len(ids) for _, _, ids in batches)


@shared_task(name="cameras.poll_batch")
def poll_batch(token: str, camera_ids: list[int]) -> dict[str, Any]:
    return poll_leased(token, camera_ids).as_dict()


@shared_task(name=reach.CAPTURE_TASK)
def capture_snapshot(camera_id: int, reason: str, requested_for: str = "", requested_by_id: int | None = None
                     ) -> dict[str, Any]:
    """Fetch a frame now and store it (e.g. for an incident); the answer says what happened. Sent to the
    camera's polling network (cameras.reach.queue_for) when the camera has one."""
    return reach.capture_answer(camera_id, reason, requested_for, requested_by_id)


@shared_task(name=reach.MASKED_FRAME_TASK)
def masked_frame(camera_id: int) -> dict[str, Any]:
    """A frame of a camera on this worker's polling network, masks burned in, for a page (cameras.reach)."""
    return reach.masked_frame_answer(camera_id)


@shared_task(name="cameras.prune_snapshots", ignore_result=True)
def prune_snapshots() -> int:
    """Enforce snapshot retention (beat runs it hourly; ``manage.py prune_snapshots`` does the same)."""
    return do_prune_snapshots(timezone.now()).deleted
