"""Staff pages of the camera registry: list, register, edit, disable or delete, and the privacy page (the mask
editor, and whether the camera looks into a private area)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from cameras.actions import registry as actions
from cameras.forms import CameraFilter, CameraForm
from cameras.models import Camera
from sites.models import Scope, Unit
from sites.views.base import ChangeView, ScopedViewMixin

# A mask editor's JSON body: 20 polygons of 64 points fit in far less.
MAX_MASKS_BODY = 64 * 1024


def listed_camera(user: Any, pk: int | str) -> Camera:
    """A registry row the user may know of, or the same 404 for missing and not-yours."""
    try:
        return Camera.objects.listed_for(user).select_related("unit", "site__unit", "agency").get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such camera") from exc


class CameraListView(ScopedViewMixin, ListView):
    model = Camera
    template_name = "cameras/camera_list.html"
    paginate_by = 50

    def get_queryset(self) -> Any:
        rows = Camera.objects.listed_for(self.request.user).select_related("unit", "site", "agency")
        self.filter = CameraFilter(self.request.GET or None, queryset=rows, request=self.request)
        return self.filter.qs.order_by("site__name", "name")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = list(context["object_list"])
        user = self.request.user
        # One query for the page: which of these rows the user may open (own, or through a grant).
        openable = set(Camera.objects.visible_to(user).filter(pk__in=[c.pk for c in page]).values_list("pk", flat=True))
        scope = Scope.of(user)
        context["rows"] = [
            {"camera": camera, "openable": camera.pk in openable,
             "needs_grant": camera.needs_grant() and camera.pk not in openable and bool(scope.unit_path)}
            for camera in page
        ]
        context["filter"] = self.filter
        context["may_register"] = scope.can_edit
        return context


class CameraCreateView(ChangeView):
    template_name = "cameras/camera_form.html"

    def get_form(self, data: Any = None) -> CameraForm:
        home = getattr(getattr(self.request.user, "membership", None), "unit", None)
        initial: dict[str, Any] = {"unit": home, "poll_interval_s": 60, "enabled": True}
        site_id = self.request.GET.get("site")
        if site_id and site_id.isdigit():
            initial["site"] = int(site_id)
        return CameraForm(data, user=self.request.user, initial=initial)

    def perform(self, form: CameraForm) -> Camera:  # type: ignore[override]
        return actions.do_register_camera(self.request.user, credentials=form.credentials(), **form.camera_fields())

    def success_url(self, result: Camera) -> str:
        return reverse("cameras:list")

    def success_message(self, result: Camera) -> str:
        if result.has_credentials:
            return _("Camera “%(name)s” registered; credentials stored.") % {"name": result.name}
        return _("Camera “%(name)s” registered.") % {"name": result.name}


class CameraUpdateView(ChangeView):
    template_name = "cameras/camera_form.html"

    def load(self) -> None:
        self.camera = listed_camera(self.request.user, self.kwargs["pk"])

    def permission_unit(self) -> Unit:
        return self.camera.unit

    def get_form(self, data: Any = None) -> CameraForm:
        return CameraForm(data, user=self.request.user, camera=self.camera)

    def perform(self, form: CameraForm) -> Camera:  # type: ignore[override]
        return actions.do_update_camera(self.request.user, self.camera, credentials=form.credentials(),
                                        clear_credentials=form.clear_requested(), **form.camera_fields())

    def success_url(self, result: Camera) -> str:
        return reverse("cameras:edit", args=[result.pk])

    def success_message(self, result: Camera) -> str:
        if result.has_credentials:
            return _("Camera “%(name)s” saved; credentials stored.") % {"name": result.name}
        return _("Camera “%(name)s” saved.") % {"name": result.name}

    def get_context(self, form: forms.Form) -> dict[str, Any]:
        return {"camera": self.camera}


class CameraDeleteView(ChangeView):
    """Delete a camera without snapshots; one with stored evidence can only be disabled."""

    template_name = "cameras/camera_form.html"

    def load(self) -> None:
        self.camera = listed_camera(self.request.user, self.kwargs["pk"])

    def permission_unit(self) -> Unit:
        return self.camera.unit

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect("cameras:edit", pk=self.camera.pk)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        name = self.camera.name
        if request.POST.get("action") == "disable":
            actions.do_set_enabled(request.user, self.camera, False)
            messages.success(request, _("Camera “%(name)s” is no longer polled.") % {"name": name})
            return redirect("cameras:edit", pk=self.camera.pk)
        try:
            actions.do_delete_camera(request.user, self.camera)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("cameras:edit", pk=self.camera.pk)
        messages.success(request, _("Camera “%(name)s” deleted.") % {"name": name})
        return redirect("cameras:list")


class PrivacyEditorMixin(LoginRequiredMixin):
    """Pages of a camera's privacy (masks, the private-area mark): its unit's editors and the owning
    agency's liaison; a camera the user cannot list is not found."""

    camera: Camera

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.camera = listed_camera(request.user, kwargs["pk"])
        actions.check_privacy_editor(request.user, self.camera)
        return super().dispatch(request, *args, **kwargs)


class CameraMasksView(PrivacyEditorMixin, View):
    """The privacy-mask editor: GET the page, POST ``{"masks": [...]}`` as JSON."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        config = {
            "masks": self.camera.masks,
            "saveUrl": reverse("cameras:masks", args=[self.camera.pk]),
            "referenceUrl": reverse("cameras:reference", args=[self.camera.pk]),
        }
        return render(request, "cameras/camera_masks.html", {
            "camera": self.camera, "mask_config": config,
            "private_area_form": PrivateAreaForm(initial={"private_area": self.camera.private_area}),
        })

    def post(self, request: HttpRequest, pk: int) -> JsonResponse:
        if len(request.body) > MAX_MASKS_BODY:
            return JsonResponse({"error": _("The masks are too large to store.")}, status=413)
        try:
            masks = json.loads(request.body)["masks"]
        except (ValueError, KeyError, TypeError):
            return JsonResponse({"error": _("Send the masks as JSON: {\"masks\": [[[x, y], ...], ...]}.")},
                                status=400)
        try:
            camera = actions.do_set_masks(request.user, self.camera, masks)
        except ValidationError as exc:
            return JsonResponse({"error": " ".join(exc.messages)}, status=400)
        return JsonResponse({"masks": camera.masks,
                             "message": _("Masks saved: they are burned into every frame from now on.")})


class PrivateAreaForm(forms.Form):
    private_area = forms.BooleanField(label=gettext_lazy("Looks into a private area"), required=False)
    reason = forms.CharField(label=gettext_lazy("Reason (optional)"), required=False,
                             max_length=actions.MAX_PRIVATE_AREA_REASON)


class CameraPrivateAreaView(PrivacyEditorMixin, View):
    """The privacy page's form: whether the camera looks into a private area. POST only; back to the page."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = PrivateAreaForm(request.POST)
        back = redirect("cameras:masks", pk=self.camera.pk)
        if not form.is_valid():
            messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
            return back
        try:
            camera = actions.do_set_private_area(request.user, self.camera, form.cleaned_data["private_area"],
                                                 form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return back
        if camera.private_area:
            messages.success(request, _("“%(name)s” is marked as looking into a private area: it can never be "
                                        "granted, and current grants no longer show it.") % {"name": camera.name})
        else:
            messages.success(request, _("“%(name)s” is no longer marked as looking into a private area.")
                             % {"name": camera.name})
        return back
