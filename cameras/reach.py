"""Reaching a camera now, for a page ("live frame", "capture now") or a task (an incident's snapshot).

A camera with no polling network is fetched from this process. A camera on a polling network
(``Camera.poll_queue``) is reachable only from inside that network, so the work goes to a worker
there (the queue ``cameras.<network>``) and this process waits for its answer. The worker burns the
masks in before it answers, so no unmasked pixel passes the broker; a capture is stored by the worker
itself. If no worker of the network answers in time, the answer is a FetchError of kind NO_WORKER.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from celery import current_app
from celery.exceptions import TimeoutError as CeleryTimeout
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from cameras import imaging
from cameras.actions.evidence import do_store_snapshot
from cameras.analysis.frames import InvalidFrame
from cameras.models import Camera, Snapshot
from cameras.polling.fetch import FailureKind, FetchError, fetch_frame_now

# The central queue: a camera with no polling network is reached from anywhere.
DEFAULT_QUEUE = "cameras"
# How long past the camera's own fetch timeout a page waits for a network's worker: the task's trip
# through the broker and the result backend, and the masking.
WORKER_MARGIN_S = 5
MASKED_FRAME_TASK = "cameras.masked_frame"
CAPTURE_TASK = "cameras.capture_snapshot"

Answer = dict[str, Any]


def queue_for(poll_queue: str) -> str:
    """The Celery queue of a polling network: a worker inside that network consumes it."""
    return f"{DEFAULT_QUEUE}.{poll_queue}" if poll_queue else DEFAULT_QUEUE


# Here: what a worker of the camera's network runs -------------------------------------------------


def answer_of(work: Callable[[], Answer]) -> Answer:
    """A task's answer: ``work``'s own, or the failure that stopped it (raise_for turns it back)."""
    try:
        return work()
    except FetchError as exc:
        return {"failure": str(exc.kind), "message": exc.message}
    except InvalidFrame as exc:
        return {"failure": "invalid_frame", "message": str(exc)}


def masked_frame_here(camera: Camera) -> bytes:
    """A frame fetched from this process, masks burned in (JPEG). Raises FetchError / InvalidFrame."""
    return imaging.masked(fetch_frame_now(camera), camera.masks).jpeg


def capture_here(camera: Camera, *, reason: str, requested_by: Any = None, requested_for: str = "") -> Snapshot:
    """Fetch a frame from this process and store it (masks burned in). Raises FetchError / InvalidFrame."""
    return do_store_snapshot(camera, fetch_frame_now(camera), reason=reason, captured_at=timezone.now(),
                             requested_by=requested_by, requested_for=requested_for)


def masked_frame_answer(camera_id: int) -> Answer:
    camera = Camera.objects.filter(pk=camera_id).first()
    if camera is None:
        return {"failure": "gone", "message": "no such camera"}
    return answer_of(lambda: {"jpeg": base64.b64encode(masked_frame_here(camera)).decode("ascii")})


def capture_answer(camera_id: int, reason: str, requested_for: str = "", requested_by_id: int | None = None
                   ) -> Answer:
    camera = Camera.objects.filter(pk=camera_id).first()
    if camera is None:
        return {"stored": False, "failure": "gone", "message": "no such camera"}

    def capture() -> Answer:
        snapshot = capture_here(camera, reason=reason, requested_for=requested_for,
                                requested_by=_user(requested_by_id))
        return {"stored": True, "snapshot_id": snapshot.pk, "sha256": snapshot.sha256}

    answer = answer_of(capture)
    answer.setdefault("stored", False)
    return answer


def _user(user_id: int | None) -> Any:
    return None if user_id is None else get_user_model().objects.filter(pk=user_id).first()


# From anywhere ----------------------------------------------------------------------------------


def masked_frame(camera: Camera) -> bytes:
    """A frame of the camera now, masks burned in (JPEG), fetched where the camera can be reached.
    Raises FetchError / InvalidFrame."""
    if not camera.poll_queue:
        return masked_frame_here(camera)
    answer = _ask(camera, MASKED_FRAME_TASK, [camera.pk])
    raise_for(answer)
    return base64.b64decode(answer["jpeg"])


def capture(camera: Camera, *, reason: str, requested_by: Any = None, requested_for: str = "") -> Snapshot:
    """Fetch a frame of the camera now and store it, where the camera can be reached.
    Raises FetchError / InvalidFrame."""
    if not camera.poll_queue:
        return capture_here(camera, reason=reason, requested_by=requested_by, requested_for=requested_for)
    answer = _ask(camera, CAPTURE_TASK, [camera.pk, reason, requested_for,
                                         requested_by.pk if requested_by is not None else None])
    raise_for(answer)
    return Snapshot.objects.get(pk=answer["snapshot_id"])


def raise_for(answer: Answer) -> None:
    """The exception an answer of answer_of stands for, if it is a failure."""
    failure = answer.get("failure")
    if failure is None:
        return
    if failure == "invalid_frame":
        raise InvalidFrame(answer.get("message", ""))
    if failure == "gone":
        raise FetchError(FailureKind.OFFLINE, "the camera was removed")
    raise FetchError(failure, answer.get("message", ""))


def _ask(camera: Camera, task: str, args: list[Any]) -> Answer:
    wait_s = settings.CAMERA_FETCH_TIMEOUT_S + WORKER_MARGIN_S
    # Expires: a worker that comes back later does not fetch for a page long gone.
    result = current_app.send_task(task, args=args, queue=queue_for(camera.poll_queue), expires=wait_s)
    try:
        answer = result.get(timeout=wait_s, propagate=False, disable_sync_subtasks=False)
    except CeleryTimeout:
        raise FetchError(FailureKind.NO_WORKER,
                         f"no worker of polling network {camera.poll_queue!r} answered in {wait_s} s") from None
    finally:
        result.forget()
    if not isinstance(answer, dict):  # the task itself failed: its exception
        raise FetchError(FailureKind.NO_WORKER, f"the worker of polling network {camera.poll_queue!r} failed: "
                                                f"{answer!r}"[:255])
    return answer
