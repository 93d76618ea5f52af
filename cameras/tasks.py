"""Celery tasks of the cameras app (routed to the ``cameras`` queue, a polling network's batches to
its own queue): thin, they take ids and call the polling and evidence code."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from cameras.actions.evidence import do_prune_snapshots, do_store_snapshot
from cameras.analysis.frames import InvalidFrame
from cameras.models import Camera
from cameras.polling import cycle
from cameras.polling.batch import poll_leased
from cameras.polling.fetch import FetchError, fetch_frame_now

# Beat runs enqueue_due every few seconds; this many batches at most per run (across all polling
# networks) keeps one run short and leaves the rest for the next run, so the queues never hold more
# than the workers can take.
MAX_BATCHES_PER_RUN = 200
# Cameras with no polling network; settings.CELERY_TASK_ROUTES sends the other cameras.* tasks here too.
DEFAULT_QUEUE = "cameras"


def queue_for(poll_queue: str) -> str:
    """The Celery queue of a polling network: a worker inside that network consumes it."""
    return f"{DEFAULT_QUEUE}.{poll_queue}" if poll_queue else DEFAULT_QUEUE


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


@shared_task(name="cameras.capture_snapshot")
def capture_snapshot(camera_id: int, reason: str, requested_for: str = "") -> dict[str, Any]:
    """Fetch a frame now and store it (e.g. for an incident); the answer says what happened."""
    camera = Camera.objects.filter(pk=camera_id).first()
    if camera is None:
        return {"stored": False, "error": "no such camera"}
    try:
        data = fetch_frame_now(camera)
        snapshot = do_store_snapshot(camera, data, reason=reason, captured_at=timezone.now(),
                                     requested_for=requested_for)
    except FetchError as exc:
        return {"stored": False, "error": f"{exc.kind}: {exc.message}"}
    except InvalidFrame as exc:
        return {"stored": False, "error": f"invalid: {exc}"}
    return {"stored": True, "snapshot_id": snapshot.pk, "sha256": snapshot.sha256}


@shared_task(name="cameras.prune_snapshots", ignore_result=True)
def prune_snapshots() -> int:
    """Enforce snapshot retention (beat runs it hourly; ``manage.py prune_snapshots`` does the same)."""
    return do_prune_snapshots(timezone.now()).deleted
