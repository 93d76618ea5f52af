"""What every staff page shares: login, rows only through ``visible_to(user)``, changes only through actions."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views import View

from sites import actions
from sites.models import Unit


class ScopedViewMixin(LoginRequiredMixin):
    """List and detail pages see only what the user may see; anything else is a 404."""

    model: Any
    request: Any

    def get_queryset(self) -> QuerySet[Any]:
        return self.model.objects.visible_to(self.request.user)


def may_change(user: Any, unit: Unit | None, *, national: bool = False) -> bool:
    """Whether to offer edit buttons: the same rule the actions enforce, asked without acting."""
    try:
        actions.check_editor(user, unit, national=national)
    except PermissionDenied:
        return False
    return True


def add_action_errors(form: forms.Form, error: ValidationError) -> None:
    """Show an action's ValidationError on the form: under the field it names, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class ChangeView(LoginRequiredMixin, View):
    """A page that changes something: GET shows the form, POST hands it to an action.

    ``load`` fetches the rows through ``sites.queries.access_*`` first, so an outsider gets the
    same 404 as for a missing row; then the actions' own editor rule answers 403 to anyone
    who may look but not change. An action's ValidationError becomes form errors and nothing
    is saved.
    """

    template_name: str
    # Whether a thing with no unit is national (administrators only) rather than unit-less.
    permission_national = False

    def load(self) -> None:
        """Fetch what the page is about (raise Http404 for missing or not-yours)."""

    def permission_unit(self) -> Unit | None:
        """Whose editors may open the page; None asks only for an editing role."""
        return None

    def get_form(self, data: Any = None) -> forms.Form:
        raise NotImplementedError

    def perform(self, form: forms.Form) -> Any:
        """Call the action; return what the success URL needs."""
        raise NotImplementedError

    def success_url(self, result: Any) -> str:
        raise NotImplementedError

    def success_message(self, result: Any) -> str:
        return ""

    def get_context(self, form: forms.Form) -> dict[str, Any]:
        return {}

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.load()
        actions.check_editor(request.user, self.permission_unit(), national=self.permission_national)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(self.get_form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                result = self.perform(form)
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                message = self.success_message(result)
                if message:
                    messages.success(request, message)
                return redirect(self.success_url(result))
        return self.render_form(form)

    def render_form(self, form: forms.Form) -> HttpResponse:
        return render(self.request, self.template_name, {"form": form, **self.get_context(form)})
