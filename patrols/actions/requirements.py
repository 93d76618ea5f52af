"""Changes to guard requirements: the pattern must tile the hours covered, and two requirements of one
site may not guard the same hours of the same days."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from patrols import choices, shifts
from patrols.models import GuardRequirement, RequirementPosition
from sites.actions import check_editor
from sites.models import Operation, Phase, ProtectedSite

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    Actor = User | AnonymousUser | None

REQUIREMENT_FIELDS = {"coverage", "pattern", "custom_shift_hours", "start_hour", "window_hours", "notes"}


def pattern_of(requirement: GuardRequirement) -> shifts.Pattern:
    return shifts.Pattern(requirement.start_hour, requirement.shift_hours, requirement.hours_covered)


def check_pattern(requirement: GuardRequirement) -> None:
    if requirement.pattern == choices.ShiftPattern.CUSTOM:
        raw = requirement.custom_shift_hours
        if not isinstance(raw, list) or not all(isinstance(h, int) and not isinstance(h, bool) for h in raw):
            raise ValidationError({"custom_shift_hours": _("Give the shift lengths as a list of whole hours, "
                                                           "e.g. [6, 6, 12].")})
    elif requirement.custom_shift_hours:
        raise ValidationError({"custom_shift_hours": _("Shift lengths are only given for a custom pattern.")})
    try:
        shifts.check_pattern(pattern_of(requirement))
    except shifts.PatternError as exc:
        raise ValidationError({"pattern": _(exc.template) % exc.params if exc.params else _(exc.template)}) from exc


def check_positions(positions: list[dict[str, Any]]) -> list[RequirementPosition]:
    """Rows for the positions: at least one, known qualifications, each once, a headcount of 1 to 50."""
    if not positions:
        raise ValidationError({"positions": _("A requirement needs at least one position.")})
    rows: list[RequirementPosition] = []
    seen: set[str] = set()
    for position in positions:
        qualification = position.get("qualification") or ""
        if qualification and qualification not in choices.Qualification.values:
            raise ValidationError({"positions": _("Unknown qualification “%(code)s”; choose from: %(choices)s.")
                                   % {"code": qualification, "choices": ", ".join(choices.Qualification.values)}})
        if qualification in seen:
            label = choices.Qualification(qualification).label if qualification else _("any officer")
            raise ValidationError({"positions": _("The position “%(position)s” is listed twice; give it one "
                                                  "headcount.") % {"position": label}})
        seen.add(qualification)
        headcount = position.get("headcount", 1)
        if not isinstance(headcount, int) or isinstance(headcount, bool) or not 1 <= headcount <= 50:
            raise ValidationError({"positions": _("A headcount must be a whole number from 1 to 50, not %(value)s.")
                                   % {"value": headcount}})
        rows.append(RequirementPosition(qualification=qualification, headcount=headcount))
    return rows


def check_no_overlap(requirement: GuardRequirement) -> None:
    """Refuse a requirement guarding hours of days another requirement of the same site already guards."""
    phase = requirement.phase
    others = (
        GuardRequirement.objects.filter(site_id=requirement.site_id,
                                        phase__starts_on__lte=phase.ends_on, phase__ends_on__gte=phase.starts_on)
        .exclude(pk=requirement.pk).select_related("phase")
    )
    pattern = pattern_of(requirement)
    for other in others:
        if shifts.hours_overlap(pattern, pattern_of(other)):
            raise ValidationError({"phase": _(
                "This overlaps the requirement for %(site)s in phase “%(phase)s” (%(start)s to %(end)s, "
                "from %(hour)02d:00 for %(hours)s hours): change that one, "
                "or pick hours or a phase that do not overlap."
            ) % {"site": requirement.site, "phase": other.phase, "start": other.phase.starts_on,
                 "end": other.phase.ends_on, "hour": other.start_hour, "hours": other.hours_covered}})


def _check_access(actor: Actor, site: ProtectedSite, phase: Phase) -> None:
    if actor is None:
        return
    check_editor(actor, site.unit)
    if not Operation.objects.visible_to(actor).filter(pk=phase.operation_id).exists():
        raise PermissionDenied(_("You may not plan for that operation."))


@transaction.atomic
def do_save_requirement(actor: Actor, *, site: ProtectedSite, phase: Phase, positions: list[dict[str, Any]],
                        requirement: GuardRequirement | None = None, **fields: Any) -> GuardRequirement:
    """Create (``requirement=None``) or replace a guard requirement with its positions.

    ``fields``: coverage, pattern, custom_shift_hours, start_hour, window_hours, notes.
    ``positions``: [{"qualification": code or "", "headcount": n}].
    """
    unknown = set(fields) - REQUIREMENT_FIELDS
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    if requirement is not None:
        requirement = (GuardRequirement.objects.select_for_update(of=("self",)).select_related("site__unit")
                       .get(pk=requirement.pk))
        if actor is not None:
            check_editor(actor, requirement.site.unit)
    _check_access(actor, site, phase)
    row = requirement or GuardRequirement()
    row.site, row.phase = site, phase
    for name, value in fields.items():
        setattr(row, name, value)
    if row.coverage == choices.Coverage.AROUND_THE_CLOCK:
        row.window_hours = 24
    row.full_clean()
    check_pattern(row)
    position_rows = check_positions(positions)
    check_no_overlap(row)
    row.save()
    row.positions.all().delete()
    for position in position_rows:
        position.requirement = row
    RequirementPosition.objects.bulk_create(position_rows)
    return row


@transaction.atomic
def do_delete_requirement(actor: Actor, requirement: GuardRequirement) -> None:
    if actor is not None:
        check_editor(actor, requirement.site.unit)
    requirement.delete()
