"""Data for the patrols tests: an operation with a campaign and a voting-day phase, personnel, requirements.

Everything is made through the actions, as the app makes it."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from patrols.actions import personnel, requirements
from patrols.models import GuardRequirement, Personnel
from sites import actions as site_actions
from sites.choices import ElectionKind, PhaseKind, SecurityLevel
from sites.models import Operation, Phase, ProtectedSite, Unit

_nrp = itertools.count(87050001)
START = dt.date(2024, 2, 1)


def operation(unit: Unit | None, *, name: str = "Operasi Mantap Brata") -> Operation:
    op = site_actions.do_create_operation(None, name=name, election=ElectionKind.PEMILU, unit=unit,
                                          starts_on=START, ends_on=START + dt.timedelta(days=27))
    site_actions.do_save_phase(None, Phase(operation=op, kind=PhaseKind.CAMPAIGN, starts_on=START,
                                           ends_on=START + dt.timedelta(days=12), security_level=SecurityLevel.NORMAL))
    site_actions.do_save_phase(None, Phase(operation=op, kind=PhaseKind.VOTING, starts_on=START + dt.timedelta(days=13),
                                           ends_on=START + dt.timedelta(days=27),
                                           security_level=SecurityLevel.MAXIMUM))
    return op


def people(unit: Unit, count: int, qualifications: list[str] | None = None, **fields: Any) -> list[Personnel]:
    return [
        personnel.do_create_personnel(None, nrp=str(next(_nrp)), name=f"Personel {unit.pk}-{i}", rank="bripka",
                                      unit=unit, qualifications=qualifications or [], **fields)
        for i in range(count)
    ]


def requirement(site: ProtectedSite, phase: Phase, *, headcount: int = 1, qualification: str = "",
                **fields: Any) -> GuardRequirement:
    return requirements.do_save_requirement(
        None, site=site, phase=phase, positions=[{"qualification": qualification, "headcount": headcount}], **fields
    )
