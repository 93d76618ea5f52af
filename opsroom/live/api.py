"""``GET /api/live/events/?since=<seq>``: what a client missed, scoped like its socket."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from opsroom.live.publish import latest_seq
from opsroom.models import LiveEvent

PAGE_SIZE = 500


class LiveEventsView(APIView):
    """Events after ``since`` that the user may see, oldest first, at most 500 at a time.

    ``cursor`` is the last sequence number returned (``since`` when nothing is new); ask again
    from it while ``more`` is true. ``reset`` means events after ``since`` were already pruned:
    reload the whole picture, then catch up from ``cursor``.
    """

    @extend_schema(
        parameters=[OpenApiParameter("since", OpenApiTypes.INT, required=True)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        since = _since(request.query_params.get("since"))
        oldest = LiveEvent.objects.order_by("id").values_list("id", flat=True).first()
        if oldest is not None and since < oldest - 1:
            return Response({"events": [], "cursor": latest_seq(), "more": False, "reset": True})
        rows = list(LiveEvent.objects.visible_to(request.user).filter(id__gt=since).order_by("id")[: PAGE_SIZE + 1])
        page = rows[:PAGE_SIZE]
        return Response({
            "events": [row.as_message() for row in page],
            "cursor": page[-1].pk if page else since,
            "more": len(rows) > PAGE_SIZE,
            "reset": False,
        })


def _since(raw: str | None) -> int:
    try:
        since = int(raw or "")
    except ValueError:
        since = -1
    if since < 0:
        raise ValidationError({"since": _("Give the last sequence number you have, a whole number from 0.")})
    return since
