"""/healthz: the database, Redis, and whether a Celery worker answered recently."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse

from opsroom.tasks import HEARTBEAT_KEY


def _check_database() -> dict[str, object]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # any failure is the answer, not an error of this page
        return {"ok": False, "error": type(exc).__name__}


def _check_redis() -> tuple[dict[str, object], float | None]:
    try:
        beat = cache.get(HEARTBEAT_KEY)
        cache.set("healthz-probe", 1, timeout=10)
        return {"ok": True}, beat
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}, None


def healthz(request: HttpRequest) -> JsonResponse:
    database = _check_database()
    redis, beat = _check_redis()
    age = None if beat is None else round(time.time() - float(beat), 1)
    worker = {"ok": age is not None and age <= settings.WORKER_HEARTBEAT_MAX_AGE_S, "last_seen_s_ago": age}
    healthy = all(part["ok"] for part in (database, redis, worker))
    body = {"status": "ok" if healthy else "degraded", "database": database, "redis": redis, "worker": worker}
    return JsonResponse(body, status=200 if healthy else 503)
