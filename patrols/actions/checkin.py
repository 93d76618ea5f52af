"""Check-in at shift start, from the officer's phone, and the no-shows of those who did not come.

A check-in is stored once per client-made idempotency key: a replay answers the first result and
stores nothing new. Refused check-ins (too far from the site, outside the time window) are stored
too, with the reason, so the posko sees attempts as well as arrivals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patrols import events
from patrols.models import Assignment, CheckIn, NoShow, Personnel
from sites import geometry

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# A phone's fix near the perimeter may wobble: accept this much of its stated accuracy outside the line.
PERIMETER_TOLERANCE_M = 50.0
MAX_KEY_LENGTH = 64
# Shifts that began longer ago than this are not examined for no-shows (the beat catches up on these only).
NO_SHOW_LOOKBACK = dt.timedelta(hours=12)


@dataclass(frozen=True)
class CheckInResult:
    check_in: CheckIn
    # False when the key was seen before and the first result is answered again.
    created: bool


def person_of(user: User) -> Personnel:
    person = Personnel.objects.filter(user=user).select_related("unit").first()
    if person is None:
        raise PermissionDenied(_("Your login is not linked to a person on the roster."))
    return person


def distance_to_site(assignment: Assignment, latitude: float, longitude: float) -> tuple[float, float]:
    """(distance in metres, the distance accepted) from the point to the site's perimeter or its point."""
    site = assignment.site
    point = (longitude, latitude)
    if site.perimeter:
        ring = geometry.parse_ring(site.perimeter)
        return geometry.distance_to_ring_m(ring, point), 0.0
    return geometry.distance_m((float(site.longitude), float(site.latitude)), point), float(settings.CHECKIN_RADIUS_M)


def refusal(assignment: Assignment, at: dt.datetime, distance: float, allowed: float,
            accuracy_m: float | None) -> str:
    """Why the check-in is refused; empty when it is accepted."""
    early = assignment.starts_at - dt.timedelta(minutes=settings.CHECKIN_EARLY_MINUTES)
    late = assignment.starts_at + dt.timedelta(minutes=settings.CHECKIN_LATE_MINUTES)
    if at < early:
        return _("Too early: check-in opens %(minutes)s minutes before the shift starts.") % {
            "minutes": settings.CHECKIN_EARLY_MINUTES}
    if at > min(late, assignment.ends_at):
        return _("Too late: check-in closes %(minutes)s minutes after the shift starts.") % {
            "minutes": settings.CHECKIN_LATE_MINUTES}
    tolerance = min(accuracy_m or 0.0, PERIMETER_TOLERANCE_M)
    if distance > allowed + tolerance:
        if assignment.site.perimeter:
            return _("You are %(distance)d m outside the site's perimeter.") % {"distance": distance}
        return _("You are %(distance)d m from the site; check in within %(radius)d m.") % {
            "distance": distance, "radius": allowed}
    return ""


def _clean_input(latitude: float, longitude: float, idempotency_key: str, accuracy_m: float | None) -> None:
    errors = {}
    if not idempotency_key or len(idempotency_key) > MAX_KEY_LENGTH:
        errors["idempotency_key"] = _("Send a key of 1 to %(max)s characters made once per check-in.") % {
            "max": MAX_KEY_LENGTH}
    if not -90 <= latitude <= 90:
        errors["latitude"] = _("Latitude must be between -90 and 90.")
    if not -180 <= longitude <= 180:
        errors["longitude"] = _("Longitude must be between -180 and 180.")
    if accuracy_m is not None and accuracy_m < 0:
        errors["accuracy_m"] = _("The accuracy cannot be negative.")
    if errors:
        raise ValidationError(errors)


def do_check_in(actor: User, assignment: Assignment, *, latitude: float, longitude: float, idempotency_key: str,
                accuracy_m: float | None = None, at: dt.datetime | None = None) -> CheckInResult:
    """The officer ``actor`` checks in for their published shift ``assignment`` at this location."""
    _clean_input(latitude, longitude, idempotency_key, accuracy_m)
    person = person_of(actor)
    first = CheckIn.objects.filter(idempotency_key=idempotency_key).first()
    if first is not None:
        return _replay(first, person)
    if assignment.person_id != person.pk or not assignment.published:
        raise PermissionDenied(_("This shift is not one of your published shifts."))
    at = at or timezone.now()
    distance, allowed = distance_to_site(assignment, latitude, longitude)
    reason = refusal(assignment, at, distance, allowed, accuracy_m)
    try:
        with transaction.atomic():
            record = CheckIn.objects.create(
                person=person, assignment=assignment, idempotency_key=idempotency_key, checked_at=at,
                latitude=round(latitude, 6), longitude=round(longitude, 6), accuracy_m=accuracy_m,
                distance_m=distance, accepted=not reason, reason=reason,
            )
            if record.accepted:
                NoShow.objects.filter(assignment=assignment, resolved_at__isnull=True).update(resolved_at=at)
            events.check_in(record)
    except IntegrityError:
        # The same key arrived twice at once: the other request stored it.
        return _replay(CheckIn.objects.get(idempotency_key=idempotency_key), person)
    return CheckInResult(record, created=True)


def _replay(first: CheckIn, person: Personnel) -> CheckInResult:
    if first.person_id != person.pk:
        raise ValidationError({"idempotency_key": _("This key was used for another check-in; make a new one.")})
    return CheckInResult(first, created=False)


def detect_no_shows(now: dt.datetime | None = None) -> list[NoShow]:
    """Raise a no-show for every published, staffed shift under way past the grace period without an
    accepted check-in. Each is raised once, even with several workers."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=settings.NO_SHOW_GRACE_MINUTES)
    due = (
        Assignment.objects.filter(published=True, person__isnull=False, starts_at__lte=cutoff,
                                  starts_at__gt=now - NO_SHOW_LOOKBACK, ends_at__gt=now, no_show__isnull=True)
        .exclude(check_ins__accepted=True)
        .select_related("site__unit")
    )
    raised = []
    for assignment in due:
        try:
            with transaction.atomic():
                alert, created = NoShow.objects.get_or_create(
                    assignment=assignment, defaults={"person_id": assignment.person_id, "detected_at": now}
                )
                if created:
                    events.no_show(alert)
        except IntegrityError:
            continue
        if created:
            raised.append(alert)
    return raised
