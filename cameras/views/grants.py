"""Access-grant pages: the list (pending first), the written request, and the detail with the agency's decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from cameras import choices
from cameras.actions import grants as actions
from cameras.forms_grants import ApproveForm, GrantRequestForm, RejectForm, RevokeForm
from cameras.models import AccessGrant
from cameras.queries import access_grant, grant_zone
from sites.models import Agency, Scope, Unit
from sites.views.base import ChangeView, ScopedViewMixin
from sites.zones import zone_abbreviation


def own_unit(user: Any) -> Unit | None:
    membership = getattr(user, "membership", None)
    return membership.unit if membership is not None else None


def request_zone(user: Any) -> str:
    unit = own_unit(user)
    return unit.time_zone if unit is not None else "Asia/Jakarta"


class GrantListView(ScopedViewMixin, ListView):
    model = AccessGrant
    template_name = "cameras/grant_list.html"
    context_object_name = "grants"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[AccessGrant]:
        rows = super().get_queryset().select_related("unit", "agency").prefetch_related("cameras",
                                                                                       "requested_cameras")
        status = self.request.GET.get("status")
        if status in choices.GrantStatus.values:
            rows = rows.filter(status=status)
        pending_first = Case(When(status=choices.GrantStatus.REQUESTED, then=Value(0)), default=Value(1),
                             output_field=IntegerField())
        return rows.order_by(pending_first, "-requested_at")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["statuses"] = choices.GrantStatus.choices
        context["status"] = self.request.GET.get("status", "")
        context["may_request"] = actions.may_request(self.request.user, own_unit(self.request.user))
        context["is_liaison"] = Scope.of(self.request.user).agency_id is not None
        return context


class GrantRequestView(ChangeView):
    """A unit's written request; ``?agency=ID`` narrows the camera list to that agency's cameras."""

    template_name = "cameras/grant_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not actions.may_request(request.user, own_unit(request.user)):
            raise PermissionDenied(_("Only operations staff or a commander may file camera access requests."))
        return super(ChangeView, self).dispatch(request, *args, **kwargs)

    def chosen_agency(self) -> Agency | None:
        raw = self.request.POST.get("agency") or self.request.GET.get("agency")
        if not raw or not str(raw).isdigit():
            return None
        return Agency.objects.filter(pk=raw).first()

    def get_form(self, data: Any = None) -> GrantRequestForm:
        unit = own_unit(self.request.user)
        agency = self.chosen_agency()
        # Narrowed to one agency's cameras for choosing; a submitted camera of another agency is
        # left for the action to name ("does not belong to ..."), not hidden as an unknown choice.
        return GrantRequestForm(
            data, user=self.request.user, units=Unit.objects.visible_to(self.request.user),
            zone=request_zone(self.request.user), agency=agency if data is None else None,
            initial={"unit": unit, "agency": agency},
        )

    def perform(self, form: forms.Form) -> AccessGrant:
        return actions.do_request_grant(self.request.user, **form.cleaned_data)

    def success_url(self, result: AccessGrant) -> str:
        return reverse("cameras:grant", args=[result.pk])

    def success_message(self, result: AccessGrant) -> str:
        return _("Request %(number)s filed with %(agency)s.") % {"number": result.letter_number,
                                                                   "agency": result.agency}

    def get_context(self, form: forms.Form) -> dict[str, Any]:
        zone = request_zone(self.request.user)
        return {"agencies": Agency.objects.all(), "agency": self.chosen_agency(), "zone_label": zone_abbreviation(zone),
                "zone": zone}


def grant_context(request: HttpRequest, grant: AccessGrant, **forms_: forms.Form) -> dict[str, Any]:
    zone = grant_zone(grant)
    decide = actions.may_decide(request.user, grant)
    withdraw = grant.status == choices.GrantStatus.REQUESTED and actions.may_request(request.user, grant.unit)
    pending = grant.status == choices.GrantStatus.REQUESTED
    context: dict[str, Any] = {
        "grant": grant,
        "zone": zone,
        "zone_label": zone_abbreviation(zone),
        "requested": grant.requested_cameras.select_related("site").order_by("name"),
        "granted": grant.cameras.select_related("site").order_by("name"),
        "is_active": grant.is_active(),
        "may_withdraw": withdraw,
        "approve_form": ApproveForm(grant=grant) if decide and pending else None,
        "reject_form": RejectForm() if decide and pending else None,
        "revoke_form": RevokeForm() if decide and grant.status == choices.GrantStatus.APPROVED else None,
    }
    context.update(forms_)
    return context


class GrantDetailView(LoginRequiredMixin, View):
    template_name = "cameras/grant_detail.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        grant = access_grant(request.user, kwargs["pk"])
        return render(request, self.template_name, grant_context(request, grant))


class GrantDecisionView(ChangeView):
    """Approve, reject, revoke or withdraw: POST from the grant's page; errors show on that page."""

    template_name = "cameras/grant_detail.html"
    form_name: str

    def load(self) -> None:
        self.grant = access_grant(self.request.user, self.kwargs["pk"])

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.load()
        self.check()
        return super(ChangeView, self).dispatch(request, *args, **kwargs)

    def check(self) -> None:
        actions.check_liaison(self.request.user, self.grant)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return render(request, self.template_name, grant_context(request, self.grant))

    def success_url(self, result: AccessGrant) -> str:
        return reverse("cameras:grant", args=[result.pk])

    def render_form(self, form: forms.Form) -> HttpResponse:
        context = grant_context(self.request, self.grant, **{self.form_name: form})
        return render(self.request, self.template_name, context, status=400)


class GrantApproveView(GrantDecisionView):
    form_name = "approve_form"

    def get_form(self, data: Any = None) -> ApproveForm:
        return ApproveForm(data, grant=self.grant)

    def perform(self, form: forms.Form) -> AccessGrant:
        return actions.do_approve_grant(self.request.user, self.grant, cameras=form.cleaned_data["cameras"],
                                        note=form.cleaned_data["note"])

    def success_message(self, result: AccessGrant) -> str:
        return _("Access granted for %(count)d camera(s).") % {"count": result.cameras.count()}


class GrantRejectView(GrantDecisionView):
    form_name = "reject_form"

    def get_form(self, data: Any = None) -> RejectForm:
        return RejectForm(data)

    def perform(self, form: forms.Form) -> AccessGrant:
        return actions.do_reject_grant(self.request.user, self.grant, note=form.cleaned_data["note"])

    def success_message(self, result: AccessGrant) -> str:
        return _("Request rejected.")


class GrantRevokeView(GrantDecisionView):
    form_name = "revoke_form"

    def get_form(self, data: Any = None) -> RevokeForm:
        return RevokeForm(data)

    def perform(self, form: forms.Form) -> AccessGrant:
        return actions.do_revoke_grant(self.request.user, self.grant, reason=form.cleaned_data["reason"])

    def success_message(self, result: AccessGrant) -> str:
        return _("Access revoked. Open pages of the unit lose these cameras now.")


class GrantWithdrawView(GrantDecisionView):
    form_name = "withdraw_form"

    def check(self) -> None:
        actions.check_requester(self.request.user, self.grant.unit)

    def get_form(self, data: Any = None) -> forms.Form:
        return forms.Form(data)

    def perform(self, form: forms.Form) -> AccessGrant:
        return actions.do_withdraw_grant(self.request.user, self.grant)

    def success_message(self, result: AccessGrant) -> str:
        return _("Request withdrawn.")
