"""Scoped reads: ``access_*`` return a row the user may see, or raise 404 the same way for missing and not-yours."""

from typing import Any

from django.http import Http404

from sites.models import Operation, ProtectedSite, Unit


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


def latest_checklist(site: ProtectedSite) -> dict[str, Any]:
    """The most recent result for each checklist item, with the inspection it came from."""
    latest: dict[str, Any] = {}
    for inspection in site.inspections.prefetch_related("results").order_by("-inspected_at")[:20]:
        for result in inspection.results.all():
            latest.setdefault(result.item, {"result": result, "inspection": inspection})
    return latest
