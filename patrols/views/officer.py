"""The officer's own pages, phone first: my shifts, the calendar feed, check-in at shift start."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from patrols.actions.checkin import do_check_in
from patrols.actions_pages import do_ensure_calendar_token, do_rotate_calendar_token, person_for_calendar_token
from patrols.calendar import CalendarEvent, write_calendar
from patrols.models import Assignment, Personnel
from patrols.queries import access_my_shift
from patrols.queries import my_shifts as my_shifts_query
from patrols.views.base import local_span, local_time, position_label
from sites.zones import zone_abbreviation

UPCOMING_LIMIT = 60
# The feed shows the last month too, so a shift just worked stays in the phone's calendar.
FEED_PAST = dt.timedelta(days=31)
FEED_LIMIT = 500


def own_person(user: Any) -> Personnel | None:
    return Personnel.objects.select_related("unit").filter(user=user).first()


def map_url(latitude: Any, longitude: Any) -> str:
    return f"https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}#map=17/{latitude}/{longitude}"


def check_in_open(row: Assignment, now: dt.datetime) -> bool:
    """Whether the check-in window of the shift is open now (the action decides for real)."""
    opens = row.starts_at - dt.timedelta(minutes=settings.CHECKIN_EARLY_MINUTES)
    closes = min(row.starts_at + dt.timedelta(minutes=settings.CHECKIN_LATE_MINUTES), row.ends_at)
    return opens <= now <= closes


@login_required
@require_GET
def my_shifts(request: HttpRequest) -> HttpResponse:
    person = own_person(request.user)
    if person is None:
        return render(request, "patrols/not_personnel.html", status=404)
    now = timezone.now()
    rows = list(my_shifts_query(request.user, since=now)[:UPCOMING_LIMIT])
    checked = set(person.check_ins.filter(assignment__in=rows, accepted=True).values_list("assignment_id", flat=True))
    shifts = [{
        "row": row,
        "when": local_span(row.starts_at, row.ends_at, row.site.time_zone),
        "position": position_label(row.qualification),
        "now": row.starts_at <= now < row.ends_at,
        "map_url": map_url(row.site.latitude, row.site.longitude),
        "check_in_open": check_in_open(row, now) and row.pk not in checked,
        "checked_in": row.pk in checked,
    } for row in rows]
    return render(request, "patrols/my_shifts.html", {
        "person": person, "shifts": shifts, "zone": zone_abbreviation(person.unit.time_zone),
    })


@login_required
@require_GET
def my_calendar(request: HttpRequest) -> HttpResponse:
    """The officer's feed address to subscribe to in a phone's calendar app, and the button to replace it."""
    person = own_person(request.user)
    if person is None:
        return render(request, "patrols/not_personnel.html", status=404)
    token = do_ensure_calendar_token(request.user, person)
    return render(request, "patrols/my_calendar.html", {
        "person": person, "feed_url": request.build_absolute_uri(reverse("patrols:calendar_feed", args=[token])),
    })


@login_required
@require_POST
def rotate_calendar(request: HttpRequest) -> HttpResponse:
    person = own_person(request.user)
    if person is None:
        raise Http404(_("Your login is not linked to a person on the roster."))
    do_rotate_calendar_token(request.user, person)
    messages.success(request, _("A new calendar address was made; the old one no longer works. "
                                "Subscribe again with the new one."))
    return redirect("patrols:my_calendar")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's published shifts as iCalendar; the secret in the URL is the only credential."""
    person = person_for_calendar_token(token)
    if person is None:
        raise Http404("No such calendar")
    now = timezone.now()
    rows = person.assignments.filter(published=True, ends_at__gte=now - FEED_PAST).select_related("site") \
        .order_by("starts_at")[:FEED_LIMIT]
    host = request.get_host().split(":")[0]
    events = [
        CalendarEvent(
            uid=f"opsroom-{row.slot_key}-{person.pk}@{host}",
            start=row.starts_at, end=row.ends_at,
            summary=_("Guard duty: %(site)s") % {"site": row.site.name},
            description="\n".join((local_span(row.starts_at, row.ends_at, row.site.time_zone),
                                   _("Position: %(position)s") % {"position": position_label(row.qualification)})),
            location=row.site.address or row.site.name,
            latitude=float(row.site.latitude), longitude=float(row.site.longitude),
            sequence=int(row.updated_at.timestamp()) % 2_000_000_000,
        )
        for row in rows
    ]
    body = write_calendar(events, name=_("Shifts of %(name)s") % {"name": person.name}, stamp=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="opsroom-shifts.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def _own_published_shift(request: HttpRequest, pk: int) -> tuple[Personnel, Assignment]:
    row = access_my_shift(request.user, pk)
    assert row.person is not None
    return row.person, row


@login_required
@require_GET
def check_in_page(request: HttpRequest, pk: int) -> HttpResponse:
    person, row = _own_published_shift(request, pk)
    last = row.check_ins.filter(person=person).order_by("-checked_at").first()
    return render(request, "patrols/check_in.html", {
        "person": person, "shift": row, "when": local_span(row.starts_at, row.ends_at, row.site.time_zone),
        "position": position_label(row.qualification), "last": last,
        "map_url": map_url(row.site.latitude, row.site.longitude),
        "config": {"submitUrl": reverse("patrols:check_in_submit", args=[row.pk]), "assignmentId": row.pk},
    })


def _number(data: dict[str, Any], name: str, *, required: bool = True) -> float | None:
    value = data.get(name)
    if value in (None, "") and not required:
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ValidationError({name: _("Send a number.")}) from exc


@login_required
@require_POST
def check_in_submit(request: HttpRequest, pk: int) -> JsonResponse:
    """The check-in page's post: JSON in, the action's verdict out (a replayed key answers the first)."""
    _person, row = _own_published_shift(request, pk)
    try:
        data = json.loads(request.body or b"{}")
        if not isinstance(data, dict):
            raise ValueError
    except ValueError:
        return JsonResponse({"errors": {"body": [_("Send a JSON object.")]}}, status=400)
    try:
        result = do_check_in(
            request.user, row,  # type: ignore[arg-type]
            latitude=_number(data, "latitude") or 0.0, longitude=_number(data, "longitude") or 0.0,
            accuracy_m=_number(data, "accuracy_m", required=False),
            idempotency_key=str(data.get("idempotency_key") or ""),
        )
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"body": exc.messages}
        return JsonResponse({"errors": errors}, status=400)
    except PermissionDenied as exc:
        return JsonResponse({"errors": {"body": [str(exc)]}}, status=403)
    record = result.check_in
    return JsonResponse({
        "accepted": record.accepted, "reason": record.reason, "distance_m": round(record.distance_m),
        "checked_at": local_time(record.checked_at, row.site.time_zone),
        "replayed": not result.created,
    }, status=201 if result.created else 200)
