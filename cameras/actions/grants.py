"""Access grants: a police unit's written request, the owning agency's decision, revocation and withdrawal.

Each change is checked, written in a transaction and announced (``grant.changed``) after commit.
Expiry needs no action: ``AccessGrant.objects.active()`` compares with the clock on every look.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cameras import choices, events
from cameras.models import AccessGrant, Camera
from sites.choices import Role
from sites.models import Agency, Scope, Unit

# The longest validity window a grant may have: an election period's hot phase, not a standing licence.
MAX_GRANT_DAYS = 180
# Police roles that may file (and withdraw) a written request on behalf of their unit.
REQUESTER_ROLES = {Role.OPERATIONS, Role.COMMANDER}


def check_requester(actor: Any, unit: Unit) -> None:
    scope = Scope.of(actor)
    if scope.everything:
        return
    if scope.role not in REQUESTER_ROLES:
        raise PermissionDenied(_("Only operations staff or a commander may file camera access requests."))
    if not scope.sees_unit_path(unit.path):
        raise PermissionDenied(_("You may only file requests for your unit and the units below it."))


def check_liaison(actor: Any, grant: AccessGrant) -> None:
    """Only the owning agency (its liaison) or an administrator decides on a grant."""
    scope = Scope.of(actor)
    if scope.everything:
        return
    if scope.role != Role.LIAISON or scope.agency_id != grant.agency_id:
        raise PermissionDenied(_("Only a liaison of %(agency)s may decide on this request.")
                               % {"agency": grant.agency})


def check_cameras(agency: Agency, cameras: Iterable[Camera], field: str = "cameras") -> list[Camera]:
    cameras = list(cameras)
    if not cameras:
        raise ValidationError({field: _("Choose at least one camera.")})
    foreign = [c.name for c in cameras if c.agency_id != agency.pk]
    if foreign:
        raise ValidationError({field: _("These cameras do not belong to %(agency)s: %(names)s.")
                               % {"agency": agency, "names": ", ".join(sorted(foreign))}})
    private = [c.name for c in cameras if c.private_area]
    if private:
        raise ValidationError({field: _("These cameras look into a private area and can never be granted: "
                                        "%(names)s.") % {"names": ", ".join(sorted(private))}})
    return cameras


def check_window(unit: Unit, letter_date: dt.date, valid_from: dt.datetime, valid_until: dt.datetime,
                 now: dt.datetime) -> None:
    """The window starts on or after the letter's date (in the unit's zone), ends after it starts, and is bounded."""
    errors: dict[str, str] = {}
    today = now.astimezone(ZoneInfo(unit.time_zone)).date()
    if letter_date > today:
        errors["letter_date"] = _("The letter date cannot be in the future.")
    if valid_from.astimezone(ZoneInfo(unit.time_zone)).date() < letter_date:
        errors["valid_from"] = _("Access cannot start before the letter's date (%(date)s).") % {
            "date": letter_date.isoformat()}
    if valid_until <= valid_from:
        errors["valid_until"] = _("The end of the validity window must come after its start.")
    elif valid_until - valid_from > dt.timedelta(days=MAX_GRANT_DAYS):
        errors["valid_until"] = _("A grant may last at most %(days)d days.") % {"days": MAX_GRANT_DAYS}
    elif valid_until <= now:
        errors["valid_until"] = _("The validity window has already ended.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_request_grant(actor: Any, *, unit: Unit, agency: Agency, letter_number: str, letter_date: dt.date,
                     purpose: str, cameras: Iterable[Camera], valid_from: dt.datetime,
                     valid_until: dt.datetime) -> AccessGrant:
    """File a unit's written request for some cameras of one agency."""
    check_requester(actor, unit)
    letter_number = letter_number.strip()
    if not letter_number:
        raise ValidationError({"letter_number": _("Give the number of the written request.")})
    if not purpose.strip():
        raise ValidationError({"purpose": _("Say what the cameras are needed for.")})
    listed = Camera.objects.listed_for(actor)
    requested = check_cameras(agency, listed.filter(pk__in=[c.pk for c in cameras]))
    if len(requested) != len({c.pk for c in cameras}):
        raise ValidationError({"cameras": _("Some of the chosen cameras are not known to your unit.")})
    check_window(unit, letter_date, valid_from, valid_until, timezone.now())
    if AccessGrant.objects.filter(agency=agency, unit=unit, letter_number=letter_number).exists():
        raise ValidationError({"letter_number": _("This unit already filed letter %(number)s with %(agency)s.")
                               % {"number": letter_number, "agency": agency}})
    grant = AccessGrant(agency=agency, unit=unit, letter_number=letter_number, letter_date=letter_date,
                        purpose=purpose.strip(), valid_from=valid_from, valid_until=valid_until,
                        requested_by=actor if getattr(actor, "is_authenticated", False) else None)
    try:
        with transaction.atomic():
            grant.save()
    except IntegrityError as exc:  # a second submission of the same letter racing the first
        raise ValidationError({"letter_number": _("This letter was already filed.")}) from exc
    grant.requested_cameras.set(requested)
    events.grant_changed(grant, sorted(c.pk for c in requested))
    return grant


def _locked(grant: AccessGrant) -> AccessGrant:
    return AccessGrant.objects.select_for_update(of=("self",)).select_related("unit", "agency").get(pk=grant.pk)


def _require_status(grant: AccessGrant, *allowed: str) -> None:
    if grant.status not in allowed:
        raise ValidationError(_("This request is %(status)s; that cannot be changed now.")
                              % {"status": grant.get_status_display().lower()})


@transaction.atomic
def do_approve_grant(actor: Any, grant: AccessGrant, *, cameras: Iterable[Camera] | None = None,
                     note: str = "") -> AccessGrant:
    """Approve a request, for all the cameras asked for or for fewer of them."""
    grant = _locked(grant)
    check_liaison(actor, grant)
    _require_status(grant, choices.GrantStatus.REQUESTED)
    requested = {c.pk: c for c in grant.requested_cameras.all()}
    chosen = list(requested.values()) if cameras is None else list(cameras)
    extra = [c.name for c in chosen if c.pk not in requested]
    if extra:
        raise ValidationError({"cameras": _("Only cameras that were asked for can be granted; not: %(names)s.")
                               % {"names": ", ".join(sorted(extra))}})
    # Fresh rows: a camera may have been marked private since the request was filed.
    approved = check_cameras(grant.agency, Camera.objects.filter(pk__in=[c.pk for c in chosen]))
    now = timezone.now()
    if grant.valid_until <= now:
        raise ValidationError(_("The validity window of this request has already ended; it cannot be approved."))
    grant.status = choices.GrantStatus.APPROVED
    grant.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    grant.decided_at = now
    grant.decision_note = note.strip()
    grant.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    grant.cameras.set(approved)
    events.grant_changed(grant, sorted(requested))
    return grant


@transaction.atomic
def do_reject_grant(actor: Any, grant: AccessGrant, *, note: str) -> AccessGrant:
    grant = _locked(grant)
    check_liaison(actor, grant)
    _require_status(grant, choices.GrantStatus.REQUESTED)
    if not note.strip():
        raise ValidationError({"note": _("Give the reason for rejecting the request.")})
    grant.status = choices.GrantStatus.REJECTED
    grant.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    grant.decided_at = timezone.now()
    grant.decision_note = note.strip()
    grant.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    events.grant_changed(grant, sorted(grant.requested_cameras.values_list("pk", flat=True)))
    return grant


@transaction.atomic
def do_revoke_grant(actor: Any, grant: AccessGrant, *, reason: str) -> AccessGrant:
    """End an approved grant now; the next look at any of its cameras is refused."""
    grant = _locked(grant)
    check_liaison(actor, grant)
    _require_status(grant, choices.GrantStatus.APPROVED)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for revoking access.")})
    grant.status = choices.GrantStatus.REVOKED
    grant.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
    grant.revoked_at = timezone.now()
    grant.revoke_reason = reason.strip()
    grant.save(update_fields=["status", "revoked_by", "revoked_at", "revoke_reason"])
    announce_granted_cameras(grant)
    return grant


def announce_granted_cameras(grant: AccessGrant) -> None:
    """``grant.changed`` naming the cameras the grant covers: the grantee's open pages drop (or add) them at once."""
    events.grant_changed(grant, sorted(grant.cameras.values_list("pk", flat=True)))


def announce_grants_covering(camera: Camera) -> None:
    """The camera was marked private (or no longer is): announce again each active grant that includes it."""
    for grant in AccessGrant.objects.active().filter(cameras=camera).select_related("unit"):
        announce_granted_cameras(grant)


@transaction.atomic
def do_withdraw_grant(actor: Any, grant: AccessGrant) -> AccessGrant:
    """The requesting unit takes back a request that was not decided yet."""
    grant = _locked(grant)
    check_requester(actor, grant.unit)
    _require_status(grant, choices.GrantStatus.REQUESTED)
    grant.status = choices.GrantStatus.WITHDRAWN
    grant.save(update_fields=["status"])
    events.grant_changed(grant, sorted(grant.requested_cameras.values_list("pk", flat=True)))
    return grant


def may_decide(user: Any, grant: AccessGrant) -> bool:
    try:
        check_liaison(user, grant)
    except PermissionDenied:
        return False
    return True


def may_request(user: Any, unit: Unit | None) -> bool:
    if unit is None:
        return Scope.of(user).everything
    try:
        check_requester(user, unit)
    except PermissionDenied:
        return False
    return True
