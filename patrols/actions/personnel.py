"""Changes to personnel, their unavailability and reinforcements: checked, then done in a transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from patrols import choices
from patrols.models import Availability, Personnel, Reinforcement
from sites.actions import check_editor
from sites.models import Membership, ProtectedSite, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    Actor = User | AnonymousUser | None

PERSONNEL_FIELDS = {"nrp", "name", "rank", "unit", "qualifications", "phone", "home_latitude", "home_longitude",
                    "user", "active"}
AVAILABILITY_FIELDS = {"kind", "starts_at", "ends_at", "note"}


def clean_qualifications(raw: Any) -> list[str]:
    """A list of known qualification codes, each once, in the order of the choices."""
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        raw = [part.strip() for part in raw.split(",") if part.strip()]
    if not isinstance(raw, list | tuple | set | frozenset):
        raise ValidationError({"qualifications": _("Give the qualifications as a list.")})
    unknown = sorted({str(code) for code in raw} - set(choices.Qualification.values))
    if unknown:
        raise ValidationError({"qualifications": _("Unknown qualifications: %(codes)s; choose from: %(choices)s.")
                               % {"codes": ", ".join(unknown), "choices": ", ".join(choices.Qualification.values)}})
    return [code for code in choices.Qualification.values if code in raw]


def check_nrp_free(nrp: str, person: Personnel | None, actor: Actor) -> None:
    """An NRP names one person: refuse a second one, naming the holder only to those who may see them."""
    others = Personnel.objects.select_related("unit").filter(nrp=nrp)
    if person is not None and person.pk is not None:
        others = others.exclude(pk=person.pk)
    holder = others.first()
    if holder is None:
        return
    if actor is None or Personnel.objects.visible_to(actor).filter(pk=holder.pk).exists():
        message = _("NRP %(nrp)s already belongs to %(name)s of %(unit)s.") % {
            "nrp": nrp, "name": holder.name, "unit": holder.unit}
    else:
        message = _("NRP %(nrp)s is already registered in another unit.") % {"nrp": nrp}
    raise ValidationError({"nrp": message})


def check_user_unit(person: Personnel) -> None:
    """A person belongs to one unit: a linked login must be a member of the same unit."""
    if person.user_id is None:
        return
    membership = Membership.objects.select_related("unit").filter(user_id=person.user_id).first()
    if membership is None or membership.unit_id != person.unit_id:
        where = membership.unit if membership and membership.unit else _("no unit")
        raise ValidationError({"user": _("The login %(user)s belongs to %(where)s but the person to %(unit)s; "
                                         "a person belongs to one unit.")
                               % {"user": person.user, "where": where, "unit": person.unit}})
    other = Personnel.objects.filter(user_id=person.user_id).exclude(pk=person.pk).first()
    if other is not None:
        raise ValidationError({"user": _("The login %(user)s is already linked to %(name)s (NRP %(nrp)s).")
                               % {"user": person.user, "name": other.name, "nrp": other.nrp}})


def _clean_personnel(person: Personnel, actor: Actor) -> None:
    person.qualifications = clean_qualifications(person.qualifications)
    person.nrp = str(person.nrp).strip()
    for name in ("home_latitude", "home_longitude"):
        value = getattr(person, name)
        if value not in (None, ""):
            try:
                setattr(person, name, Decimal(str(value)).quantize(Decimal("0.000001")))
            except (InvalidOperation, ValueError) as exc:
                raise ValidationError({name: _("must be a number")}) from exc
        else:
            setattr(person, name, None)
    if (person.home_latitude is None) != (person.home_longitude is None):
        raise ValidationError({"home_longitude": _("Give both the home latitude and longitude, or neither.")})
    person.full_clean(validate_unique=False)
    check_nrp_free(person.nrp, person, actor)
    check_user_unit(person)


def _unknown(fields: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})


@transaction.atomic
def do_create_personnel(actor: Actor, *, preferred_sites: list[ProtectedSite] | None = None,
                        **fields: Any) -> Personnel:
    """Register a person in a unit. ``fields``: nrp, name, rank, unit, qualifications, phone,
    home_latitude, home_longitude, user, active."""
    _unknown(fields, PERSONNEL_FIELDS)
    if actor is not None:
        check_editor(actor, fields.get("unit"))
    person = Personnel(**fields)
    _clean_personnel(person, actor)
    person.save()
    if preferred_sites is not None:
        person.preferred_sites.set(preferred_sites)
    return person


@transaction.atomic
def do_update_personnel(actor: Actor, person: Personnel, *, preferred_sites: list[ProtectedSite] | None = None,
                        **changes: Any) -> Personnel:
    _unknown(changes, PERSONNEL_FIELDS)
    person = Personnel.objects.select_for_update(of=("self",)).select_related("unit").get(pk=person.pk)
    if actor is not None:
        check_editor(actor, person.unit)
        if "unit" in changes:
            check_editor(actor, changes["unit"])
    for name, value in changes.items():
        setattr(person, name, value)
    _clean_personnel(person, actor)
    person.save()
    if preferred_sites is not None:
        person.preferred_sites.set(preferred_sites)
    return person


@transaction.atomic
def do_delete_personnel(actor: Actor, person: Personnel) -> None:
    """Remove a person; their past assignments stay as gaps-with-history. Prefer deactivating."""
    if actor is not None:
        check_editor(actor, person.unit)
    person.delete()


# Unavailability ----------------------------------------------------------------------------------

def check_availability(row: Availability) -> None:
    errors = {}
    for name in ("starts_at", "ends_at"):
        value = getattr(row, name)
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            errors[name] = _("The time needs a time zone.")
    if not errors and row.starts_at and row.ends_at and row.ends_at <= row.starts_at:
        errors["ends_at"] = _("The unavailability ends before it starts.")
    if errors:
        raise ValidationError(errors)
    row.full_clean(validate_constraints=False)


@transaction.atomic
def do_add_availability(actor: Actor, person: Personnel, **fields: Any) -> Availability:
    """Record that a person cannot be rostered: kind (leave, sick, assigned_elsewhere, other), starts_at,
    ends_at (aware datetimes), note. Published rosters are not changed: re-plan to act on it."""
    _unknown(fields, AVAILABILITY_FIELDS)
    if actor is not None:
        check_editor(actor, person.unit)
    row = Availability(person=person, **fields)
    check_availability(row)
    row.save()
    return row


@transaction.atomic
def do_update_availability(actor: Actor, row: Availability, **changes: Any) -> Availability:
    _unknown(changes, AVAILABILITY_FIELDS)
    if actor is not None:
        check_editor(actor, row.person.unit)
    for name, value in changes.items():
        setattr(row, name, value)
    check_availability(row)
    row.save()
    return row


@transaction.atomic
def do_delete_availability(actor: Actor, row: Availability) -> None:
    if actor is not None:
        check_editor(actor, row.person.unit)
    row.delete()


# Reinforcement -----------------------------------------------------------------------------------

@transaction.atomic
def do_add_reinforcement(actor: Actor, *, unit: Unit, reinforcing_unit: Unit) -> Reinforcement:
    """Let ``reinforcing_unit``'s personnel guard ``unit``'s sites; the actor must edit both units."""
    if actor is not None:
        check_editor(actor, unit)
        check_editor(actor, reinforcing_unit)
    if unit.pk == reinforcing_unit.pk:
        raise ValidationError({"reinforcing_unit": _("A unit does not reinforce itself.")})
    row, _created = Reinforcement.objects.get_or_create(unit=unit, reinforcing_unit=reinforcing_unit)
    return row


@transaction.atomic
def do_remove_reinforcement(actor: Actor, row: Reinforcement) -> None:
    if actor is not None:
        check_editor(actor, row.unit)
    row.delete()
