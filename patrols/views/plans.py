"""The planner: ask for a roster, watch it being solved, read its coverage, fix it by hand, publish it."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET, require_POST

from patrols import choices
from patrols.actions import editing, planning
from patrols.actions.problems import allowed_units
from patrols.forms import PlanRequestForm
from patrols.models import Assignment, Personnel, RosterPlan
from patrols.queries import access_assignment, access_plan
from patrols.views import plan_data
from patrols.views.base import local_span, position_label
from sites.actions import check_editor
from sites.models import Operation, ProtectedSite, Scope
from sites.views.base import add_action_errors, may_change
from sites.zones import zone_abbreviation

RECENT_PLANS = 30


def progress_payload(plan: RosterPlan) -> dict[str, Any]:
    """What the progress bar shows; the same fields as the ``roster.progress`` event's payload."""
    return {
        "id": plan.pk,
        "status": plan.status,
        "status_label": str(plan.get_status_display()),
        "progress": round(plan.progress, 3),
        "message": plan.message,
        "active": plan.status in choices.ACTIVE_PLAN_STATUSES,
        "cancel_requested": plan.cancel_requested,
    }


def action_error_text(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


class PlannerView(LoginRequiredMixin, View):
    """Pick a unit and a date range, ask for a roster; the recent plans of the units the user sees."""

    template_name = "patrols/planner.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        home = getattr(getattr(request.user, "membership", None), "unit", None)
        today = timezone.localdate(timezone.now(), ZoneInfo(home.time_zone)) if home else timezone.localdate()
        operation = Operation.objects.visible_to(request.user).filter(
            starts_on__lte=today, ends_on__gte=today).first() or Operation.objects.visible_to(request.user).first()
        initial = {"unit": home, "operation": operation, "starts_on": today, "ends_on": today + dt.timedelta(days=6)}
        return self.render_page(PlanRequestForm(user=request.user, initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PlanRequestForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                plan = planning.do_request_plan(request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                return redirect("patrols:plan", pk=plan.pk)
        return self.render_page(form, status=400)

    def render_page(self, form: PlanRequestForm, status: int = 200) -> HttpResponse:
        plans = RosterPlan.objects.visible_to(self.request.user).select_related("unit", "operation")[:RECENT_PLANS]
        return render(self.request, self.template_name, {
            "form": form, "plans": plans, "may_request": Scope.of(self.request.user).can_edit,
        }, status=status)


def shaped_changes(plan: RosterPlan) -> list[dict[str, Any]]:
    """The re-plan's diff with site names and local times, for people to read."""
    changes = plan.changes or []
    sites = {site.pk: site for site in ProtectedSite.objects.filter(pk__in={c.get("site_id") for c in changes})}
    shaped = []
    for change in changes:
        site = sites.get(change.get("site_id"))
        start, end = parse_datetime(change.get("starts_at", "")), parse_datetime(change.get("ends_at", ""))
        shaped.append({
            "site": site.name if site else "",
            "when": local_span(start, end, site.time_zone) if site and start and end else change.get("starts_at"),
            "from": change.get("from", ""), "to": change.get("to", ""),
        })
    return shaped


class PlanDetailView(LoginRequiredMixin, View):
    template_name = "patrols/plan_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = access_plan(request.user, pk)
        first, last = plan_data.plan_window(plan, parse_date(request.GET.get("from", "") or "") or None)
        week = dt.timedelta(days=plan_data.HEATMAP_DAYS)
        succeeded = plan.status == choices.PlanStatus.SUCCEEDED
        gaps, gap_count = plan_data.plan_gaps(plan) if succeeded else ([], 0)
        config = {
            "planId": plan.pk,
            "socketPath": "/ws/live/",
            "progressUrl": reverse("patrols:plan_progress", args=[plan.pk]),
            "progress": progress_payload(plan),
        }
        return render(request, self.template_name, {
            "plan": plan,
            "heatmap": plan_data.plan_heatmap(plan, first, last) if succeeded else None,
            "first": first,
            "last": last,
            "previous_week": first - week if first > plan.starts_on else None,
            "next_week": first + week if first + week <= plan.ends_on else None,
            "gaps": gaps,
            "gap_count": gap_count,
            "loads": plan_data.plan_loads(plan) if succeeded else [],
            "may_change": may_change(request.user, plan.unit),
            "active": plan.status in choices.ACTIVE_PLAN_STATUSES,
            "succeeded": succeeded,
            "unit_zone": zone_abbreviation(plan.unit.time_zone),
            "planner_config": config,
            "changes": shaped_changes(plan),
        })


@login_required
@require_GET
def plan_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """The polling fallback of the progress bar, for when the live socket is down."""
    return JsonResponse(progress_payload(access_plan(request.user, pk)))


def _plan_action(request: HttpRequest, pk: int, act: Any, done: str) -> HttpResponseRedirect:
    plan = access_plan(request.user, pk)
    try:
        result = act(request.user, plan)
    except ValidationError as exc:
        messages.error(request, action_error_text(exc))
        return redirect("patrols:plan", pk=plan.pk)
    messages.success(request, done)
    return redirect("patrols:plan", pk=result.pk)


@login_required
@require_POST
def plan_cancel(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    return _plan_action(request, pk, planning.do_cancel_plan, _("Cancelling the plan; nothing published changes."))


@login_required
@require_POST
def plan_publish(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    return _plan_action(request, pk, planning.do_publish_plan,
                        _("Published: officers see these shifts now, and the shifts it replaces are withdrawn."))


@login_required
@require_POST
def plan_replan(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    return _plan_action(request, pk, planning.do_request_replan,
                        _("Re-planning: published shifts are kept unless they must change."))


@login_required
def plan_person(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    """One person's shifts in the plan."""
    plan = access_plan(request.user, pk)
    # Through the plan: a reinforcing officer from a neighbouring unit is part of it too.
    row = plan.assignments.filter(person_id=person_pk).select_related("person__unit").first()
    if row is None or row.person is None:
        raise Http404("No such person in this plan")
    shifts = plan_data.plan_person_shifts(plan, row.person)
    return render(request, "patrols/plan_person.html", {
        "plan": plan, "person": row.person, "shifts": shifts,
        "hours": round(sum(item["assignment"].hours for item in shifts), 1),
        "nights": sum(1 for item in shifts if item["assignment"].night),
    })


def candidates(assignment: Assignment) -> list[Personnel]:
    """People who could hold the position: active, of the units allowed at the site, with the qualification.

    The rest of the rules (rest, hours, nights, leave, double booking) are the checker's to answer.
    """
    allowed = allowed_units([assignment.site], assignment.plan.unit)[assignment.site_id]
    people = Personnel.objects.active().filter(unit_id__in=allowed).select_related("unit").order_by("name")
    if assignment.qualification:
        people = people.filter(qualifications__icontains=f'"{assignment.qualification}"')
    return list(people)


@login_required
def plan_shift(request: HttpRequest, pk: int) -> HttpResponse:
    """The positions of one shift at one site, each with who holds it, to change by hand or lock."""
    plan = access_plan(request.user, pk)
    start = parse_datetime(request.GET.get("start", "") or "")
    try:
        site_id = int(request.GET.get("site", ""))
    except ValueError as exc:
        raise Http404("No such shift") from exc
    if start is None or start.tzinfo is None:
        raise Http404("No such shift")
    positions = list(plan.assignments.filter(site_id=site_id, starts_at=start).select_related("person", "site__unit")
                     .order_by("qualification", "slot_key"))
    if not positions:
        raise Http404("No such shift")
    editable = may_change(request.user, plan.unit) and plan.status == choices.PlanStatus.SUCCEEDED \
        and plan.superseded_at is None
    return render(request, "patrols/plan_shift.html", {
        "plan": plan, "site": positions[0].site,
        "positions": [{"row": row, "position": position_label(row.qualification),
                       "candidates": candidates(row) if editable else []} for row in positions],
        "when": local_span(positions[0].starts_at, positions[0].ends_at, positions[0].site.time_zone),
        "may_change": editable,
    })


def _chosen_person(raw: str | None) -> Personnel | None:
    """The person picked on the form (empty: leave the position uncovered); unknown ids are a 404."""
    if not raw:
        return None
    try:
        return Personnel.objects.select_related("unit").get(pk=int(raw))
    except (Personnel.DoesNotExist, ValueError) as exc:
        raise Http404("No such person") from exc


@login_required
@require_GET
def assignment_check(request: HttpRequest, pk: int) -> JsonResponse:
    """The instant check of a hand edit: every hard rule putting ``?person=`` on the slot would break."""
    assignment = access_assignment(request.user, pk)
    check_editor(request.user, assignment.plan.unit)
    person = _chosen_person(request.GET.get("person"))
    problems = editing.check_edit(assignment, person)
    return JsonResponse({"ok": not problems, "violations": problems})


@login_required
@require_POST
def assignment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a hand edit through the action, which refuses a hard violation with its reasons."""
    assignment = access_assignment(request.user, pk)
    check_editor(request.user, assignment.plan.unit)
    back = _shift_url(assignment)
    person = _chosen_person(request.POST.get("person"))
    try:
        editing.do_assign(request.user, assignment, person, lock=request.POST.get("lock", "on") == "on")
    except ValidationError as exc:
        messages.error(request, _("Not saved: %(why)s") % {"why": action_error_text(exc)})
        return redirect(back)
    if person is None:
        messages.success(request, _("The position is left uncovered."))
    else:
        messages.success(request, _("%(name)s holds the position now (locked for re-plans).") % {"name": person.name})
    return redirect(back)


@login_required
@require_POST
def assignment_lock(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = access_assignment(request.user, pk)
    check_editor(request.user, assignment.plan.unit)
    locked = request.POST.get("locked") == "1"
    try:
        editing.do_lock(request.user, assignment, locked)
    except ValidationError as exc:
        messages.error(request, action_error_text(exc))
    else:
        messages.success(request, _("Locked: a re-plan keeps it.") if locked else _("Unlocked."))
    return redirect(_shift_url(assignment))


def _shift_url(assignment: Assignment) -> str:
    return (reverse("patrols:plan_shift", args=[assignment.plan_id])
            + f"?site={assignment.site_id}&start={assignment.starts_at.isoformat().replace('+', '%2B')}")
