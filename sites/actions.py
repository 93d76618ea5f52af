"""Every change to units, agencies, memberships, operations and sites: checked, then done in a transaction.

Views, the API, imports, admin and demo data call these functions, so the checks, the
scoping and the announcement happen once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sites import choices, events, geometry
from sites.models import (
    Agency,
    Inspection,
    InspectionResult,
    Membership,
    Operation,
    Phase,
    ProtectedSite,
    Scope,
    SiteContact,
    Unit,
)
from sites.roles import STAFF_ROLES

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    # Who acts: a request's user, or None for the system (demo data, imports run by an operator).
    Actor = User | AnonymousUser | None

SITE_FIELDS = {"name", "kind", "address", "latitude", "longitude", "perimeter", "unit", "agency",
               "time_zone", "priority", "notes"}


def check_editor(actor: User | AnonymousUser, unit: Unit | None, *, national: bool = False) -> None:
    """Raise PermissionDenied unless the actor may change things of this unit.

    ``national`` marks a thing that belongs to no unit (a national operation): administrators only.
    """
    scope = Scope.of(actor)
    if not scope.can_edit:
        raise PermissionDenied(_("Your role may not change this."))
    if national and unit is None and not scope.everything:
        raise PermissionDenied(_("Only an administrator may change a national operation."))
    if unit is not None and not scope.sees_unit_path(unit.path):
        raise PermissionDenied(_("You may only change things of your unit and the units below it."))


# Units -------------------------------------------------------------------------------------------

def check_unit_parent(unit: Unit | None, kind: str, parent: Unit | None) -> None:
    allowed = choices.PARENT_KINDS.get(kind)
    if allowed is None:
        raise ValidationError({"kind": _("Unknown unit kind “%(kind)s”.") % {"kind": kind}})
    if not allowed and parent is not None:
        raise ValidationError({"parent": _("A Polda has no parent unit.")})
    if allowed and parent is None:
        raise ValidationError({"parent": _("This kind of unit needs a parent unit.")})
    if parent is not None and parent.kind not in allowed:
        raise ValidationError(
            {"parent": _("A %(kind)s cannot be placed under a %(parent)s.")
             % {"kind": choices.UnitKind(kind).label, "parent": parent.get_kind_display()}}
        )
    if unit is not None and unit.pk and parent is not None and parent.path.startswith(unit.path):
        raise ValidationError({"parent": _("A unit cannot be placed under itself or a unit below it.")})


@transaction.atomic
def do_create_unit(actor: Actor, *, name: str, kind: str, parent: Unit | None = None,
                   posko_name: str = "", posko_address: str = "",
                   time_zone: str = choices.SiteTimeZone.WIB) -> Unit:
    if actor is not None:
        if parent is None and not Scope.of(actor).everything:
            raise PermissionDenied(_("Only an administrator may create a Polda."))
        check_editor(actor, parent)
    check_unit_parent(None, kind, parent)
    unit = Unit(name=name, kind=kind, parent=parent, posko_name=posko_name, posko_address=posko_address,
                time_zone=time_zone)
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit


@transaction.atomic
def do_update_unit(actor: Actor, unit: Unit, **changes: Any) -> Unit:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if actor is not None:
        check_editor(actor, unit)
    old_path = unit.path
    for name, value in changes.items():
        setattr(unit, name, value)
    check_unit_parent(unit, unit.kind, unit.parent)
    if actor is not None and "parent" in changes:
        if unit.parent is None and not Scope.of(actor).everything:
            # As in do_create_unit: a top-level unit (a Polda) is an administrator's to make.
            raise PermissionDenied(_("Only an administrator may make a unit a Polda."))
        if unit.parent is not None:
            check_editor(actor, unit.parent)
    unit.full_clean(exclude=["path"])
    unit.path = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
    unit.save()
    if unit.path != old_path:
        # Move the whole subtree with it: rewrite the prefix of every unit below.
        for child in Unit.objects.select_for_update().filter(path__startswith=old_path).exclude(pk=unit.pk):
            child.path = unit.path + child.path[len(old_path):]
            child.save(update_fields=["path"])
    events.announce(events.DomainEvent(events.UNIT_CHANGED, unit.path, None, {"id": unit.pk, "name": unit.name}))
    return unit


# Agencies and people -----------------------------------------------------------------------------

@transaction.atomic
def do_create_agency(actor: Actor, **fields: Any) -> Agency:
    if actor is not None:
        check_editor(actor, None)
    agency = Agency(**fields)
    agency.full_clean()
    agency.save()
    return agency


@transaction.atomic
def do_update_agency(actor: Actor, agency: Agency, **changes: Any) -> Agency:
    if actor is not None:
        check_editor(actor, None)
    for name, value in changes.items():
        setattr(agency, name, value)
    agency.full_clean()
    agency.save()
    return agency


def check_membership(role: str, unit: Unit | None, agency: Agency | None) -> None:
    if role not in choices.Role.values:
        raise ValidationError({"role": _("Unknown role “%(role)s”.") % {"role": role}})
    if unit is not None and agency is not None:
        raise ValidationError({"agency": _("A user belongs to a unit or to an agency, not both.")})
    if role in choices.POLICE_ROLES and unit is None:
        raise ValidationError({"unit": _("Police roles need a unit.")})
    if role == choices.Role.LIAISON and agency is None:
        raise ValidationError({"agency": _("An election-body liaison needs an agency.")})


@transaction.atomic
def do_set_membership(user: User, *, role: str, unit: Unit | None = None, agency: Agency | None = None) -> Membership:
    """Place a user in a unit or an agency with one role (a Django group of the same name)."""
    check_membership(role, unit, agency)
    membership, _created = Membership.objects.update_or_create(
        user=user, defaults={"role": role, "unit": unit, "agency": agency}
    )
    user.groups.set([Group.objects.get_or_create(name=role)[0]])
    # Operations staff and administrators use the admin pages too (scoped like everything else).
    staff = role in STAFF_ROLES or user.is_superuser
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_opsroom_scope", None)
    return membership


# Operations --------------------------------------------------------------------------------------

def check_operation_dates(starts_on: dt.date, ends_on: dt.date, phases: list[Phase]) -> None:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The operation ends before it starts.")})
    for phase in phases:
        if phase.starts_on < starts_on or phase.ends_on > ends_on:
            raise ValidationError(
                {"ends_on": _("Phase “%(phase)s” (%(start)s to %(end)s) would fall outside the operation.")
                 % {"phase": phase, "start": phase.starts_on, "end": phase.ends_on}}
            )


@transaction.atomic
def do_create_operation(actor: Actor, **fields: Any) -> Operation:
    if actor is not None:
        check_editor(actor, fields.get("unit"), national=True)
    operation = Operation(**fields)
    operation.full_clean(validate_constraints=False)
    check_operation_dates(operation.starts_on, operation.ends_on, [])
    operation.save()
    return operation


@transaction.atomic
def do_update_operation(actor: Actor, operation: Operation, **changes: Any) -> Operation:
    operation = Operation.objects.select_for_update().get(pk=operation.pk)
    if actor is not None:
        check_editor(actor, operation.unit, national=True)
        if "unit" in changes:
            check_editor(actor, changes["unit"], national=True)
    for name, value in changes.items():
        setattr(operation, name, value)
    operation.full_clean(validate_constraints=False)
    check_operation_dates(operation.starts_on, operation.ends_on, list(operation.phases.all()))
    operation.save()
    return operation


def check_phase(phase: Phase) -> None:
    operation = phase.operation
    if phase.ends_on < phase.starts_on:
        raise ValidationError({"ends_on": _("The phase ends before it starts.")})
    if phase.starts_on < operation.starts_on or phase.ends_on > operation.ends_on:
        raise ValidationError(
            {"starts_on" if phase.starts_on < operation.starts_on else "ends_on":
             _("The phase must lie within the operation's dates (%(start)s to %(end)s).")
             % {"start": operation.starts_on, "end": operation.ends_on}}
        )
    overlapping = operation.phases.exclude(pk=phase.pk).filter(
        starts_on__lte=phase.ends_on, ends_on__gte=phase.starts_on
    ).first()
    if overlapping is not None:
        raise ValidationError(
            {"starts_on": _("The phase overlaps phase “%(other)s” (%(start)s to %(end)s).")
             % {"other": overlapping, "start": overlapping.starts_on, "end": overlapping.ends_on}}
        )


@transaction.atomic
def do_save_phase(actor: Actor, phase: Phase) -> Phase:
    """Create or change a phase after checking it fits its operation."""
    if actor is not None:
        check_editor(actor, phase.operation.unit, national=True)
    phase.full_clean(validate_constraints=False)
    check_phase(phase)
    phase.save()
    return phase


@transaction.atomic
def do_delete_phase(actor: Actor, phase: Phase) -> None:
    if actor is not None:
        check_editor(actor, phase.operation.unit, national=True)
    phase.delete()


# Sites -------------------------------------------------------------------------------------------

def clean_site_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Normalise and check site fields; raise ValidationError naming every bad field."""
    errors: dict[str, str] = {}
    cleaned = dict(fields)
    for name in ("latitude", "longitude"):
        if name in cleaned:
            try:
                cleaned[name] = Decimal(str(cleaned[name])).quantize(Decimal("0.000001"))
            except (InvalidOperation, ValueError):
                errors[name] = _("must be a number")
    if "latitude" in cleaned and "longitude" in cleaned and not errors:
        for problem in geometry.coordinate_problems(float(cleaned["latitude"]), float(cleaned["longitude"])):
            # Read as a sentence under the field: "Latitude is outside Indonesia (-11.5 to 6.5)."
            label = _("Latitude") if problem.field == "latitude" else _("Longitude")
            errors[problem.field] = _("%(field)s %(reason)s.") % {"field": label, "reason": problem.message}
    if cleaned.get("kind") is not None and cleaned["kind"] not in choices.SiteKind.values:
        errors["kind"] = _("Unknown site kind “%(kind)s”; choose one of: %(choices)s.") % {
            "kind": cleaned["kind"], "choices": ", ".join(choices.SiteKind.values)}
    if cleaned.get("time_zone") is not None:
        tz = choices.TIME_ZONE_ABBREVIATIONS.get(str(cleaned["time_zone"]).upper(), cleaned["time_zone"])
        if tz not in choices.SiteTimeZone.values:
            errors["time_zone"] = _("Unknown time zone “%(tz)s”; use WIB, WITA or WIT.") % {"tz": cleaned["time_zone"]}
        cleaned["time_zone"] = tz
    perimeter = cleaned.get("perimeter")
    if perimeter not in (None, "", {}):
        try:
            ring = geometry.parse_ring(perimeter)
        except geometry.GeometryError as exc:
            errors["perimeter"] = _translate_geometry(str(exc))
        else:
            cleaned["perimeter"] = geometry.ring_to_geojson(ring)
            if not errors and "latitude" in cleaned and geometry.distance_to_ring_m(
                ring, (float(cleaned["longitude"]), float(cleaned["latitude"]))
            ) > 2000:
                errors["perimeter"] = _("The perimeter is more than 2 km from the site's location.")
    else:
        cleaned["perimeter"] = None
    if errors:
        raise ValidationError(errors)
    return cleaned


def _translate_geometry(message: str) -> str:
    # The pure module speaks English; the person reading it may not.
    return _("Invalid geometry: %(reason)s") % {"reason": message}


@transaction.atomic
def do_create_site(actor: Actor, *, contacts: list[dict[str, str]] | None = None,
                   **fields: Any) -> ProtectedSite:
    unknown = set(fields) - SITE_FIELDS
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    if actor is not None:
        check_editor(actor, fields.get("unit"))
    site = ProtectedSite(**clean_site_fields(fields))
    if not site.time_zone and site.unit_id:
        site.time_zone = site.unit.time_zone
    site.full_clean()
    site.save()
    for contact in contacts or []:
        _add_contact(site, contact)
    events.site_changed(site)
    return site


def _add_contact(site: ProtectedSite, contact: dict[str, str]) -> None:
    row = SiteContact(site=site, **contact)
    row.full_clean()
    row.save()


@transaction.atomic
def do_update_site(actor: Actor, site: ProtectedSite, *, contacts: list[dict[str, str]] | None = None,
                   **changes: Any) -> ProtectedSite:
    unknown = set(changes) - SITE_FIELDS
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    site = ProtectedSite.objects.select_for_update().select_related("unit").get(pk=site.pk)
    if actor is not None:
        check_editor(actor, site.unit)
        if "unit" in changes:
            check_editor(actor, changes["unit"])
    old_unit_path, old_agency = site.unit.path, site.agency_id
    merged = {name: getattr(site, name) for name in SITE_FIELDS if name not in {"unit", "agency"}}
    merged.update(changes)
    cleaned = clean_site_fields(merged)
    for name, value in cleaned.items():
        setattr(site, name, value)
    site.full_clean()
    site.save()
    if contacts is not None:
        site.contacts.all().delete()
        for contact in contacts:
            _add_contact(site, contact)
    if site.unit.path != old_unit_path or site.agency_id != old_agency:
        # Those who could see it before must learn it left their view.
        events.site_deleted(site.pk, old_unit_path, old_agency)
    events.site_changed(site)
    return site


@transaction.atomic
def do_delete_site(actor: Actor, site: ProtectedSite) -> None:
    if actor is not None:
        check_editor(actor, site.unit)
    site_id, unit_path, agency_id = site.pk, site.unit.path, site.agency_id
    site.delete()
    events.site_deleted(site_id, unit_path, agency_id)


@transaction.atomic
def do_record_inspection(actor: Actor, site: ProtectedSite, *, inspected_at: dt.datetime,
                         results: dict[str, str], notes: str = "",
                         result_notes: dict[str, str] | None = None) -> Inspection:
    """Record a dated checklist inspection; every standard item must have a result."""
    if actor is not None:
        check_editor(actor, site.unit)
    errors = {}
    missing = [item for item in choices.ChecklistItem.values if item not in results]
    if missing:
        errors["results"] = _("Missing results for: %(items)s.") % {"items": ", ".join(missing)}
    unknown = [item for item in results if item not in choices.ChecklistItem.values]
    if unknown:
        errors["results"] = _("Unknown checklist items: %(items)s.") % {"items": ", ".join(unknown)}
    bad = [f"{item}={value}" for item, value in results.items() if value not in choices.ChecklistResult.values]
    if bad:
        errors["results"] = _("Unknown results: %(items)s.") % {"items": ", ".join(bad)}
    if inspected_at.tzinfo is None:
        errors["inspected_at"] = _("The inspection time needs a time zone.")
    if errors:
        raise ValidationError(errors)
    inspection = Inspection.objects.create(
        site=site, inspected_at=inspected_at, inspector=actor if actor and actor.is_authenticated else None,
        notes=notes
    )
    InspectionResult.objects.bulk_create(
        InspectionResult(inspection=inspection, item=item, result=value, note=(result_notes or {}).get(item, ""))
        for item, value in results.items()
    )
    return inspection
