"""What the roster pages share: times shown in each site's own zone, positions in words."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from patrols.choices import Qualification

QUALIFICATION_LABELS = dict(Qualification.choices)


def local_span(start: dt.datetime, end: dt.datetime, zone_name: str) -> str:
    """“14/02 22:00-06:00 WITA”: a shift as the people at the site read it."""
    zone = ZoneInfo(zone_name)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    return f"{local_start:%d/%m %H:%M}\u2013{local_end:%H:%M} {local_start.tzname() or zone_name}"


def local_time(moment: dt.datetime, zone_name: str) -> str:
    """“14/02 21:55 WITA”."""
    local = moment.astimezone(ZoneInfo(zone_name))
    return f"{local:%d/%m %H:%M} {local.tzname() or zone_name}"


def position_label(qualification: str) -> str:
    """The position a slot asks for: a qualification, or any officer."""
    if not qualification:
        return _("Officer")
    return str(QUALIFICATION_LABELS.get(qualification, qualification))
