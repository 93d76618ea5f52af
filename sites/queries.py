"""Scoped reads: ``access_*`` return a row the user may see, or raise 404 the same way for missing and not-yours."""

from typing import Any

from django.http import Http404

from sites.models import Agency, Operation, Phase, ProtectedSite, Unit


def access_site(user: Any, site_id: int) -> ProtectedSite:
    try:
        return ProtectedSite.objects.visible_to(user).select_related("unit", "agency").get(pk=site_id)
    except (ProtectedSite.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such site") from exc


def access_unit(user: Any, unit_id: int) -> Unit:
    try:
        return Unit.objects.visible_to(user).get(pk=unit_id)
    except (Unit.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such unit") from exc


def access_operation(user: Any, operation_id: int) -> Operation:
    try:
        return Operation.objects.visible_to(user).select_related("unit").get(pk=operation_id)
    except (Operation.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such operation") from exc


def access_phase(user: Any, operation_id: int, phase_id: int) -> Phase:
    """A phase of an operation the user may see; a phase of another operation is missing too."""
    operation = access_operation(user, operation_id)
    try:
        return operation.phases.select_related("operation__unit").get(pk=phase_id)
    except (Phase.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such phase") from exc


def access_agency(user: Any, agency_id: int) -> Agency:
    try:
        return Agency.objects.visible_to(user).get(pk=agency_id)
    except (Agency.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such agency") from exc


def latest_checklist(site: ProtectedSite) -> dict[str, Any]:
    """The most recent result for each checklist item, with the inspection it came from."""
    latest: dict[str, Any] = {}
    for inspection in site.inspections.prefetch_related("results").order_by("-inspected_at")[:20]:
        for result in inspection.results.all():
            latest.setdefault(result.item, {"result": result, "inspection": inspection})
    return latest
