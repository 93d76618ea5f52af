"""Demo data built from the field reports in shared/seeds: units, agencies, sites, operations, users.

Loading is idempotent: a second run finds what is there and changes nothing.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from sites import actions
from sites.choices import (
    AgencyKind,
    AgencyLevel,
    ChecklistItem,
    ChecklistResult,
    ElectionKind,
    PhaseKind,
    Role,
    UnitKind,
)
from sites.choices import Priority as P
from sites.choices import SecurityLevel as L
from sites.choices import SiteKind as K
from sites.models import Agency, Operation, Phase, ProtectedSite, Unit

# Printed by the run command; the demo is for the embedded default only.
DEMO_PASSWORD = "opsroom-demo"

UNITS = [
    # name, kind, parent, posko, posko address
    ("Polda Jawa Timur", UnitKind.POLDA, None, "Posko Ops Polda Jatim", "Jl. Ahmad Yani No. 116, Surabaya"),
    ("Polres Blitar Kota", UnitKind.POLRES_KOTA, "Polda Jawa Timur", "Posko OMB Semeru",
     "Jl. Kawi No. 1, Kota Blitar"),
    ("Polres Jember", UnitKind.POLRES, "Polda Jawa Timur", "Posko OMB Polres Jember",
     "Jl. R.A. Kartini No. 17, Jember"),
    ("Polsek Kaliwates", UnitKind.POLSEK, "Polres Jember", "Posko Polsek Kaliwates", "Kaliwates, Jember"),
    ("Polda Kepulauan Bangka Belitung", UnitKind.POLDA, None, "Posko Ops Polda Babel", "Pangkalpinang"),
    ("Polres Bangka Barat", UnitKind.POLRES, "Polda Kepulauan Bangka Belitung", "Posko OMB Polres Bangka Barat",
     "Mentok, Bangka Barat"),
    ("Polda Kalimantan Tengah", UnitKind.POLDA, None, "Posko Ops Telabang", "Jl. Tjilik Riwut Km 1, Palangka Raya"),
    ("Polda Jawa Tengah", UnitKind.POLDA, None, "Posko Ops Polda Jateng", "Jl. Pahlawan No. 1, Semarang"),
]

AGENCIES = [
    ("KPU Kota Blitar", AgencyKind.KPU, AgencyLevel.REGENCY, "Kota Blitar"),
    ("Bawaslu Kota Blitar", AgencyKind.BAWASLU, AgencyLevel.REGENCY, "Kota Blitar"),
    ("Diskominfotika Kota Blitar", AgencyKind.DISKOMINFO, AgencyLevel.REGENCY, "Kota Blitar"),
    ("KPU Kabupaten Jember", AgencyKind.KPU, AgencyLevel.REGENCY, "Kabupaten Jember"),
    ("Bawaslu Kabupaten Jember", AgencyKind.BAWASLU, AgencyLevel.REGENCY, "Kabupaten Jember"),
    ("KPU Kabupaten Bangka Barat", AgencyKind.KPU, AgencyLevel.REGENCY, "Kabupaten Bangka Barat"),
    ("Bawaslu Kabupaten Bangka Barat", AgencyKind.BAWASLU, AgencyLevel.REGENCY, "Kabupaten Bangka Barat"),
    ("Pemkab Bangka Barat", AgencyKind.PEMDA, AgencyLevel.REGENCY, "Kabupaten Bangka Barat"),
    ("KPU Provinsi Kalimantan Tengah", AgencyKind.KPU, AgencyLevel.PROVINCE, "Kalimantan Tengah"),
    ("KPU Provinsi Jawa Tengah", AgencyKind.KPU, AgencyLevel.PROVINCE, "Jawa Tengah"),
]


@dataclass(frozen=True)
class DemoSite:
    name: str
    kind: str
    unit: str
    agency: str | None
    address: str
    latitude: float
    longitude: float
    priority: int


SITES = [
    DemoSite("Kantor KPU Kota Blitar", K.KPU_OFFICE, "Polres Blitar Kota", "KPU Kota Blitar",
             "Jl. Ciliwung No. 1, Kota Blitar", -8.0983, 112.1686, P.HIGH),
    DemoSite("Gudang Logistik KPU Kota Blitar", K.LOGISTICS_WAREHOUSE, "Polres Blitar Kota", "KPU Kota Blitar",
             "Kota Blitar", -8.0891, 112.1752, P.CRITICAL),
    DemoSite("Kantor Bawaslu Kota Blitar", K.BAWASLU_OFFICE, "Polres Blitar Kota", "Bawaslu Kota Blitar",
             "Kota Blitar", -8.1013, 112.1565, P.HIGH),
    DemoSite("Kantor KPU Kabupaten Jember", K.KPU_OFFICE, "Polres Jember", "KPU Kabupaten Jember",
             "Jl. Kalimantan No. 35, Jember", -8.1651, 113.7169, P.HIGH),
    DemoSite("Kantor Bawaslu Kabupaten Jember", K.BAWASLU_OFFICE, "Polsek Kaliwates", "Bawaslu Kabupaten Jember",
             "Jl. Dewi Sartika No. 54, Kepatihan, Kaliwates, Jember", -8.1719, 113.6991, P.HIGH),
    DemoSite("Gudang Logistik KPU Kabupaten Jember", K.LOGISTICS_WAREHOUSE, "Polres Jember",
             "KPU Kabupaten Jember", "Jember", -8.1561, 113.7221, P.CRITICAL),
    DemoSite("Kantor KPU Kabupaten Bangka Barat", K.KPU_OFFICE, "Polres Bangka Barat",
             "KPU Kabupaten Bangka Barat", "Mentok, Bangka Barat", -2.0661, 105.1702, P.HIGH),
    DemoSite("Kantor Bawaslu Kabupaten Bangka Barat", K.BAWASLU_OFFICE, "Polres Bangka Barat",
             "Bawaslu Kabupaten Bangka Barat", "Mentok, Bangka Barat", -2.0702, 105.1679, P.MEDIUM),
    DemoSite("Kompleks Perkantoran Bupati Bangka Barat", K.REGENT_OFFICE, "Polres Bangka Barat",
             "Pemkab Bangka Barat", "Mentok, Bangka Barat", -2.0541, 105.1849, P.MEDIUM),
    DemoSite("Kantor DPRD Bangka Barat", K.DPRD_OFFICE, "Polres Bangka Barat", "Pemkab Bangka Barat",
             "Mentok, Bangka Barat", -2.0572, 105.1801, P.MEDIUM),
    DemoSite("Gudang Logistik KPU Kabupaten Bangka Barat", K.LOGISTICS_WAREHOUSE, "Polres Bangka Barat",
             "KPU Kabupaten Bangka Barat", "Mentok, Bangka Barat", -2.0619, 105.1751, P.CRITICAL),
    DemoSite("Kantor KPU Provinsi Kalimantan Tengah", K.KPU_OFFICE, "Polda Kalimantan Tengah",
             "KPU Provinsi Kalimantan Tengah", "Jl. Diponegoro No. 11, Palangka Raya", -2.2086, 113.9136, P.HIGH),
    DemoSite("Kantor KPU Provinsi Jawa Tengah", K.KPU_OFFICE, "Polda Jawa Tengah", "KPU Provinsi Jawa Tengah",
             "Jl. Veteran No. 1A, Semarang", -6.9953, 110.4129, P.HIGH),
]

PhasePlan = list[tuple[str, dt.date, dt.date, int]]

PEMILU_PHASES: PhasePlan = [
    (PhaseKind.CAMPAIGN, dt.date(2023, 11, 28), dt.date(2024, 2, 10), L.ELEVATED),
    (PhaseKind.QUIET, dt.date(2024, 2, 11), dt.date(2024, 2, 13), L.HIGH),
    (PhaseKind.VOTING, dt.date(2024, 2, 14), dt.date(2024, 2, 14), L.MAXIMUM),
    (PhaseKind.RECAPITULATION, dt.date(2024, 2, 15), dt.date(2024, 3, 19), L.HIGH),
    (PhaseKind.ANNOUNCEMENT, dt.date(2024, 3, 20), dt.date(2024, 3, 22), L.MAXIMUM),
]
PILKADA_PHASES: PhasePlan = [
    (PhaseKind.CAMPAIGN, dt.date(2024, 9, 25), dt.date(2024, 11, 23), L.ELEVATED),
    (PhaseKind.QUIET, dt.date(2024, 11, 24), dt.date(2024, 11, 26), L.HIGH),
    (PhaseKind.VOTING, dt.date(2024, 11, 27), dt.date(2024, 11, 27), L.MAXIMUM),
    (PhaseKind.RECAPITULATION, dt.date(2024, 11, 28), dt.date(2024, 12, 16), L.HIGH),
    (PhaseKind.ANNOUNCEMENT, dt.date(2024, 12, 17), dt.date(2024, 12, 19), L.MAXIMUM),
]

# username, full name, role, unit, agency
USERS = [
    ("ops.blitar", "Kompol Hadi Santoso", Role.OPERATIONS, "Polres Blitar Kota", None),
    ("officer.blitar", "Bripka Agus Wibowo", Role.OFFICER, "Polres Blitar Kota", None),
    ("cctv.blitar", "Brigpol Rina Lestari", Role.CCTV_OPERATOR, "Polres Blitar Kota", None),
    ("ops.jember", "Kompol Istiono", Role.OPERATIONS, "Polres Jember", None),
    ("commander.jatim", "Kombes Pol Budi Prasetyo", Role.COMMANDER, "Polda Jawa Timur", None),
    ("liaison.kpu.blitar", "Siti Rahmawati", Role.LIAISON, None, "KPU Kota Blitar"),
    ("admin", "Administrator Opsroom", Role.ADMINISTRATOR, None, None),
]


@transaction.atomic
def load_demo() -> dict[str, Any]:
    """Create whatever of the demo is missing; return the logins to print."""
    units: dict[str, Unit] = {}
    for name, kind, parent, posko, address in UNITS:
        existing = Unit.objects.filter(name=name).first()
        units[name] = existing or actions.do_create_unit(
            None, name=name, kind=kind, parent=units[parent] if parent else None,
            posko_name=posko, posko_address=address,
        )
    agencies = {
        name: Agency.objects.get_or_create(name=name, defaults={"kind": kind, "level": level, "region": region})[0]
        for name, kind, level, region in AGENCIES
    }
    for site in SITES:
        if ProtectedSite.objects.filter(unit=units[site.unit], name=site.name).exists():
            continue
        created = actions.do_create_site(
            None, name=site.name, kind=site.kind, unit=units[site.unit],
            agency=agencies[site.agency] if site.agency else None, address=site.address,
            latitude=site.latitude, longitude=site.longitude, time_zone="WIB", priority=site.priority,
        )
        if site.kind == K.LOGISTICS_WAREHOUSE:
            actions.do_record_inspection(
                None, created, inspected_at=dt.datetime(2024, 2, 1, 2, 0, tzinfo=dt.UTC),
                results={item: str(ChecklistResult.MET) for item in ChecklistItem.values}
                | {str(ChecklistItem.FENCE): str(ChecklistResult.DEFICIENT)},
                result_notes={ChecklistItem.FENCE: "Pagar belakang rusak sepanjang 3 m"},
            )
    _operation("Operasi Mantap Brata 2023-2024", ElectionKind.PEMILU, None,
               dt.date(2023, 10, 19), dt.date(2024, 10, 20), PEMILU_PHASES,
               "Pengamanan Pemilu 14 Februari 2024.")
    _operation("Operasi Mantap Praja Telabang 2024", ElectionKind.PILKADA, units["Polda Kalimantan Tengah"],
               dt.date(2024, 9, 23), dt.date(2024, 12, 31), PILKADA_PHASES,
               "Pengamanan Pilkada serentak 27 November 2024 di Kalimantan Tengah.")
    user_model = get_user_model()
    logins = []
    for username, full_name, role, unit, agency in USERS:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            first, _, last = full_name.rpartition(" ")
            user = user_model.objects.create_user(
                username, password=DEMO_PASSWORD, first_name=first, last_name=last,
                is_superuser=role == Role.ADMINISTRATOR,
            )
            actions.do_set_membership(
                user, role=role, unit=units[unit] if unit else None, agency=agencies[agency] if agency else None
            )
        logins.append({"username": username, "role": role, "where": unit or agency or "-"})
    return {"password": DEMO_PASSWORD, "logins": logins}


def _operation(name: str, election: str, unit: Unit | None, starts: dt.date, ends: dt.date,
               phases: list[tuple[str, dt.date, dt.date, int]], description: str) -> Operation:
    operation = Operation.objects.filter(name=name).first()
    if operation is not None:
        return operation
    operation = actions.do_create_operation(
        None, name=name, election=election, unit=unit, starts_on=starts, ends_on=ends, description=description
    )
    for kind, phase_start, phase_end, level in phases:
        actions.do_save_phase(
            None, Phase(operation=operation, kind=kind, starts_on=phase_start, ends_on=phase_end,
                        security_level=level)
        )
    return operation
