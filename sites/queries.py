"""Scoped reads: ``access_*`` return a row the user may see, or raise 404 the same way for missing and not-yours."""

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

from sites.models import Agency, Operation, Phase, ProtectedSite, Unit

M = TypeVar("M", bound=Model)


def access_row(rows: QuerySet[M], pk: object) -> M:
    # A malformed id is as missing as an unknown one.
    try:
        return rows.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404(f"No such {rows.model._meta.verbose_name}") from exc


def access_site(user: Any, site_id: int) -> ProtectedSite:
    return access_row(ProtectedSite.objects.visible_to(user).select_related("unit", "agency"), site_id)


def access_unit(user: Any, unit_id: int) -> Unit:
    return access_row(Unit.objects.visible_to(user), unit_id)


def access_operation(user: Any, operation_id: int) -> Operation:
    return access_row(Operation.objects.visible_to(user).select_related("unit"), operation_id)


def access_phase(user: Any, operation_id: int, phase_id: int) -> Phase:
    """A phase of an operation the user may see; a phase of another operation is missing too."""
    operation = access_operation(user, operation_id)
    return access_row(operation.phases.select_related("operation__unit"), phase_id)


def access_agency(user: Any, agency_id: int) -> Agency:
    return access_row(Agency.objects.visible_to(user), agency_id)


def latest_checklist(site: ProtectedSite) -> dict[str, Any]:
    """The most recent result for each checklist item, with the inspection it came from."""
    latest: dict[str, Any] = {}
    for inspection in site.inspections.prefetch_related("results").order_by("-inspected_at")[:20]:
        for result in inspection.results.all():
            latest.setdefault(result.item, {"result": result, "inspection": inspection})
    return latest
