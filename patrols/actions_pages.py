"""The few changes the officer pages make that the main actions do not cover: the calendar feed's secret.

The iCal URL carries a per-person secret so a phone's calendar app can fetch it without a session.
Rotating it makes the old URL stop working at once (a lost phone, a URL shared by mistake).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from patrols.models import Personnel
from sites.actions import check_editor

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# 32 random bytes, URL-safe: 43 characters.
TOKEN_BYTES = 32


def _new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def check_calendar_owner(actor: User | AnonymousUser, person: Personnel) -> None:
    """The officer themself, or staff who may edit the person's unit."""
    if getattr(actor, "is_authenticated", False) and person.user_id == actor.pk:
        return
    try:
        check_editor(actor, person.unit)
    except PermissionDenied as exc:
        raise PermissionDenied(_("Only the officer or the unit's operations staff may change this feed.")) from exc


@transaction.atomic
def do_ensure_calendar_token(actor: User | AnonymousUser, person: Personnel) -> str:
    """The person's feed secret, made on first use."""
    check_calendar_owner(actor, person)
    row = Personnel.objects.select_for_update().get(pk=person.pk)
    if not row.calendar_token:
        row.calendar_token = _new_token()
        row.save(update_fields=["calendar_token"])
    person.calendar_token = row.calendar_token
    return row.calendar_token


@transaction.atomic
def do_rotate_calendar_token(actor: User | AnonymousUser, person: Personnel) -> str:
    """A new feed secret; the old URL stops working."""
    check_calendar_owner(actor, person)
    row = Personnel.objects.select_for_update().get(pk=person.pk)
    row.calendar_token = _new_token()
    row.save(update_fields=["calendar_token"])
    person.calendar_token = row.calendar_token
    return row.calendar_token


def person_for_calendar_token(token: str) -> Personnel | None:
    """The active person whose feed this is; None for an unknown, rotated or malformed secret."""
    if not token or len(token) > 64:
        return None
    person = Personnel.objects.filter(calendar_token=token, active=True).select_related("unit").first()
    # The lookup is by index; compare once more in constant time so a near match teaches nothing.
    if person is None or not secrets.compare_digest(person.calendar_token, token):
        return None
    return person
