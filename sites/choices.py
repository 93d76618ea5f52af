"""Enumerations shown to users, with translatable labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    POLDA = "polda", _("Polda")
    POLRES = "polres", _("Polres")
    POLRESTA = "polresta", _("Polresta")
    POLRES_KOTA = "polres_kota", _("Polres Kota")
    POLSEK = "polsek", _("Polsek")


# Which kinds a unit's parent may be: Polda > Polres/Polresta/Polres Kota > Polsek.
PARENT_KINDS: dict[str, set[str]] = {
    UnitKind.POLDA: set(),
    UnitKind.POLRES: {UnitKind.POLDA},
    UnitKind.POLRESTA: {UnitKind.POLDA},
    UnitKind.POLRES_KOTA: {UnitKind.POLDA},
    UnitKind.POLSEK: {UnitKind.POLRES, UnitKind.POLRESTA, UnitKind.POLRES_KOTA},
}


class AgencyKind(models.TextChoices):
    KPU = "kpu", _("KPU (election commission)")
    BAWASLU = "bawaslu", _("Bawaslu (election supervisory body)")
    DISKOMINFO = "diskominfo", _("Diskominfo (communications agency)")
    PEMDA = "pemda", _("Pemda (regional government)")


class AgencyLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCE = "province", _("Province")
    REGENCY = "regency", _("Regency / city")


class Role(models.TextChoices):
    OPERATIONS = "operations", _("Operations staff")
    OFFICER = "officer", _("Officer")
    CCTV_OPERATOR = "cctv_operator", _("CCTV operator")
    COMMANDER = "commander", _("Commander")
    LIAISON = "liaison", _("Election-body liaison")
    ADMINISTRATOR = "administrator", _("Administrator")


POLICE_ROLES = {Role.OPERATIONS, Role.OFFICER, Role.CCTV_OPERATOR, Role.COMMANDER}
# Roles that may change units, operations and sites of the units they see.
EDITOR_ROLES = {Role.OPERATIONS, Role.ADMINISTRATOR}


class ElectionKind(models.TextChoices):
    PEMILU = "pemilu", _("Pemilu (general election)")
    PILKADA = "pilkada", _("Pilkada (regional election)")


class PhaseKind(models.TextChoices):
    CAMPAIGN = "campaign", _("Campaign")
    QUIET = "quiet", _("Quiet period")
    VOTING = "voting", _("Voting day")
    RECAPITULATION = "recapitulation", _("Recapitulation")
    ANNOUNCEMENT = "announcement", _("Announcement")


class SecurityLevel(models.IntegerChoices):
    NORMAL = 1, _("Normal")
    ELEVATED = 2, _("Elevated")
    HIGH = 3, _("High")
    MAXIMUM = 4, _("Maximum")


class SiteKind(models.TextChoices):
    KPU_OFFICE = "kpu_office", _("KPU office")
    BAWASLU_OFFICE = "bawaslu_office", _("Bawaslu office")
    LOGISTICS_WAREHOUSE = "logistics_warehouse", _("Logistics warehouse")
    RECAPITULATION_VENUE = "recapitulation_venue", _("Recapitulation venue")
    REGENT_OFFICE = "regent_office", _("Regent's office")
    DPRD_OFFICE = "dprd_office", _("DPRD office")
    POLLING_STATION = "polling_station", _("Polling station (TPS)")
    OTHER = "other", _("Other")


class SiteTimeZone(models.TextChoices):
    WIB = "Asia/Jakarta", _("WIB (Asia/Jakarta)")
    WITA = "Asia/Makassar", _("WITA (Asia/Makassar)")
    WIT = "Asia/Jayapura", _("WIT (Asia/Jayapura)")


TIME_ZONE_ABBREVIATIONS = {"WIB": SiteTimeZone.WIB, "WITA": SiteTimeZone.WITA, "WIT": SiteTimeZone.WIT}


class Priority(models.IntegerChoices):
    CRITICAL = 1, _("1 - Critical")
    HIGH = 2, _("2 - High")
    MEDIUM = 3, _("3 - Medium")
    LOW = 4, _("4 - Low")


class ChecklistItem(models.TextChoices):
    CCTV = "cctv", _("CCTV")
    FIRE_EXTINGUISHER = "fire_extinguisher", _("Fire extinguishers")
    EVACUATION_ACCESS = "evacuation_access", _("Evacuation access")
    LOCK_AND_SEAL = "lock_and_seal", _("Warehouse lock and seal")
    LIGHTING = "lighting", _("Lighting")
    FENCE = "fence", _("Fence")


class ChecklistResult(models.TextChoices):
    MET = "met", _("Met")
    DEFICIENT = "deficient", _("Deficient")
    MISSING = "missing", _("Missing")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
