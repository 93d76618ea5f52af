"""Demo personnel for Polres Blitar Kota and Polres Jember and guard requirements for their sites, per phase
of Operasi Mantap Brata 2023-2024. Idempotent: run it again and nothing is doubled.

``load_demo()`` (sites) must have run first; the lead calls ``load_patrols_demo()`` from it.
"""

from __future__ import annotations

import itertools
from typing import Any

from patrols.actions import personnel, requirements
from patrols.choices import Qualification, Rank
from patrols.models import GuardRequirement, Personnel
from patrols.models.requirements import scaled_headcount
from sites.choices import SiteKind
from sites.models import Operation, ProtectedSite, Unit

OPERATION = "Operasi Mantap Brata 2023-2024"
# Enough people for the demo sites around the clock at the highest level, with rest and weekly limits.
PEOPLE_PER_UNIT = {"Polres Blitar Kota": 48, "Polres Jember": 36}
FIRST_NAMES = ["Agus", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Imam", "Joko", "Rudi", "Slamet", "Teguh", "Wahyu"]
POLWAN_NAMES = ["Dewi", "Rina", "Siti", "Yuni"]
LAST_NAMES = ["Santoso", "Wibowo", "Prasetyo", "Hidayat", "Saputra", "Nugroho", "Setiawan", "Kurniawan"]
RANKS = [Rank.BRIPDA, Rank.BRIPTU, Rank.BRIGPOL, Rank.BRIPKA, Rank.AIPDA, Rank.AIPTU]
# Base positions per site kind in a normal phase; each rises with the phase's security level.
POSITIONS: dict[str, list[tuple[str, int]]] = {
    SiteKind.LOGISTICS_WAREHOUSE: [("", 1), (Qualification.ARMED, 1), (Qualification.CCTV_OPERATOR, 1)],
    SiteKind.KPU_OFFICE: [("", 1), (Qualification.ARMED, 1)],
    SiteKind.BAWASLU_OFFICE: [("", 1)],
}


def _qualifications(index: int) -> list[str]:
    found: list[str] = []
    if index % 3 == 0:
        found.append(Qualification.ARMED)
    if index % 4 == 1:
        found.append(Qualification.CCTV_OPERATOR)
    if index % 6 == 2:
        found.append(Qualification.SHIFT_COMMANDER)
    if index % 8 == 5:
        found.append(Qualification.POLWAN)
    return found


def load_patrols_demo() -> dict[str, Any]:
    created_people = 0
    nrp = itertools.count(85010001)
    for unit_name, count in PEOPLE_PER_UNIT.items():
        unit = Unit.objects.filter(name=unit_name).first()
        if unit is None:
            continue
        for index in range(count):
            number = str(next(nrp) + unit.pk * 1000)
            if Personnel.objects.filter(nrp=number).exists():
                continue
            quals = _qualifications(index)
            first = POLWAN_NAMES[index % len(POLWAN_NAMES)] if Qualification.POLWAN in quals \
                else FIRST_NAMES[index % len(FIRST_NAMES)]
            personnel.do_create_personnel(
                None, nrp=number, name=f"{first} {LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)]}",
                rank=RANKS[index % len(RANKS)], unit=unit, qualifications=quals, phone=f"0812{number[-7:]}",
            )
            created_people += 1
    created_requirements = 0
    operation = Operation.objects.filter(name=OPERATION).first()
    if operation is not None:
        sites = ProtectedSite.objects.filter(unit__name__in=PEOPLE_PER_UNIT, kind__in=POSITIONS)
        for site in sites:
            for phase in operation.phases.all():
                if GuardRequirement.objects.filter(site=site, phase=phase).exists():
                    continue
                positions = [{"qualification": q, "headcount": scaled_headcount(n, phase.security_level) if not q
                              else n} for q, n in POSITIONS[site.kind]]
                requirements.do_save_requirement(None, site=site, phase=phase, positions=positions,
                                                 pattern="3x8", start_hour=7)
                created_requirements += 1
    return {"personnel": created_people, "requirements": created_requirements}
